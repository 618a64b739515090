#!/usr/bin/env bash
# Fig. 3 of Real et al. 2017 at small scale: population size (P = 5 vs 20 at T = 200) and
# training steps per individual (T = 100 vs 400 at P = 20), SEEDS seeds each (default 1 2),
# the same FLOPs budget per run (FLOPS, default 2.5e11).
#
# Usage: scripts/experiments/fig3.sh        (env: see common.sh)
# Runs go to $OUT/fig3/<variant>-s<seed>; a rerun resumes unfinished ones.
source "$(dirname "$0")/common.sh"
SEEDS=${SEEDS:-1 2}
for s in $SEEDS; do
  base="--seed $s --max-flops $FLOPS"
  run_arm "$OUT/fig3/p5-t200-s$s" $base --population 5 --steps 200 &
  run_arm "$OUT/fig3/p20-t200-s$s" $base --population 20 --steps 200 &
  wait
  run_arm "$OUT/fig3/p20-t100-s$s" $base --population 20 --steps 100 &
  run_arm "$OUT/fig3/p20-t400-s$s" $base --population 20 --steps 400 &
  wait
done
