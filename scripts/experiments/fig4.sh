#!/usr/bin/env bash
# Fig. 4 of Real et al. 2017 at small scale: a small population with few training steps per
# individual (P = 5, T = 50: it gets trapped), then live interventions through `evo control`
# at fixed fractions of the FLOPs budget (FLOPS4, default 1.5e11):
#   25%  5 mutations per child (a period of larger steps in architecture space)
#   40%  back to the experiment's 1 mutation per child
#   55%, 70%, 85%  a population reset each (every alive individual retrained from fresh weights)
#
# Usage: scripts/experiments/fig4.sh        (env: see common.sh; SEED=1)
# The run goes to $OUT/fig4/trapped-s<seed>; the interventions done are listed, with the
# FLOPs at which they happened, in that directory's .interventions file, so a rerun resumes
# the run and skips the interventions already made.
source "$(dirname "$0")/common.sh"
SEED=${SEED:-1}
FLOPS4=${FLOPS4:-1.5e11}
dir=$OUT/fig4/trapped-s$SEED
if done_run "$dir"; then echo "skip $dir (done)"; exit 0; fi
mkdir -p "$dir"
touch "$dir/.interventions"

flops() { "$EVO_BIN" status --json --dir "$dir" 2>/dev/null | sed -n 's/^  "flops_total": \([0-9.e+]*\),*$/\1/p'; }
# intervene NAME FRACTION ARGS...: once, when the run has spent FRACTION of its budget.
intervene() {
  local name=$1 frac=$2; shift 2
  grep -q "^$name " "$dir/.interventions" && return 0
  local f; f=$(flops); [ -n "$f" ] || return 0
  if awk -v f="$f" -v b="$FLOPS4" -v x="$frac" 'BEGIN{exit !(f >= x*b)}'; then
    "$EVO_BIN" control --dir "$dir" "$@" >/dev/null
    echo "$name $f $(date -u +%FT%TZ)" >>"$dir/.interventions"
    echo "$(date -u +%FT%TZ) fig4: $name at $f FLOPs"
  fi
}

run_arm "$dir" --seed "$SEED" --population 5 --steps 50 --max-flops "$FLOPS4" &
runner=$!
while kill -0 "$runner" 2>/dev/null; do
  sleep 5
  [ -f "$dir/experiment.json" ] || continue
  intervene mutations-5 0.25 --mutations 5
  intervene mutations-1 0.40 --mutations 0
  intervene reset-1 0.55 --reset-weights
  intervene reset-2 0.70 --reset-weights
  intervene reset-3 0.85 --reset-weights
done
wait "$runner"
