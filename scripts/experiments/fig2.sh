#!/usr/bin/env bash
# Fig. 2 of Real et al. 2017 at small scale: evolution vs random search vs evolution without
# weight inheritance, SEEDS seeds each (default 1 2 3), the same FLOPs budget per run.
#
# Usage: scripts/experiments/fig2.sh        (env: see common.sh; SEEDS="1 2 3", FLOPS=2.5e11)
# Runs go to $OUT/fig2/<arm>-s<seed>; a rerun resumes unfinished ones. The three arms of a seed
# run side by side, so each seed's arms share the machine equally.
source "$(dirname "$0")/common.sh"
SEEDS=${SEEDS:-1 2 3}
for s in $SEEDS; do
  base="--seed $s --population $P --steps $T --max-flops $FLOPS"
  run_arm "$OUT/fig2/evolution-s$s" $base &
  run_arm "$OUT/fig2/random-s$s" $base --selection random &
  run_arm "$OUT/fig2/noinherit-s$s" $base --no-inheritance &
  wait
done
