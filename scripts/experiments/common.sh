#!/usr/bin/env bash
# Shared settings for the small-scale reproductions of Real et al. 2017 (sourced by fig*.sh).
#
# Environment (all optional):
#   EVO_BIN      the evo binary (default: build one into $OUT/bin/evo from this checkout)
#   EVO_SHARED   folder holding datasets/cifar-10-batches-bin (default: ../shared or ../../shared)
#   EVO_DATA     data directory with cifar-10-batches-bin/ (default: $EVO_SHARED/datasets)
#   OUT          where experiment directories go (default: /tmp/evo-experiments)
#   WORKERS      workers per run (default 1)
#
# Every run is `evo run` on a fixed directory: rerunning a script resumes each unfinished run
# (evo run resumes a directory that exists and stops at its budget), and skips finished ones.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
OUT=${OUT:-/tmp/evo-experiments}
WORKERS=${WORKERS:-1}
if [ -z "${EVO_SHARED:-}" ]; then
  # ../shared beside the checkout, or beside the folder of worktrees.
  for c in "$repo/../shared" "$repo/../../shared"; do
    if [ -d "$c/datasets" ]; then EVO_SHARED=$c; break; fi
  done
fi
EVO_SHARED=${EVO_SHARED:-$repo/../shared}
EVO_DATA=${EVO_DATA:-$EVO_SHARED/datasets}
export EVO_DATA

if [ ! -f "$EVO_DATA/cifar-10-batches-bin/data_batch_1.bin" ]; then
  echo "experiments: no CIFAR-10 in $EVO_DATA/cifar-10-batches-bin; set EVO_DATA (or EVO_SHARED) to a folder holding it" >&2
  exit 2
fi

if [ -z "${EVO_BIN:-}" ]; then
  mkdir -p "$OUT/bin"
  (cd "$repo" && go build -o "$OUT/bin/evo" ./cmd/evo)
  EVO_BIN=$OUT/bin/evo
fi

# The common small budget: cifar10-small with population P = 20 and T = 200 steps per
# individual, stopped at an equal number of FLOPs per run.
P=${P:-20}
T=${T:-200}
FLOPS=${FLOPS:-2.5e11}

# done_run DIR: true when DIR holds a finished run (a marker written after evo run returned
# because the FLOPs budget was reached).
done_run() { [ -f "$1/.experiment-done" ]; }

# run_arm DIR [evo run flags...]: create or resume DIR and run it to its budget, once.
run_arm() {
  local dir=$1; shift
  if done_run "$dir"; then echo "skip $dir (done)"; return 0; fi
  mkdir -p "$(dirname "$dir")"
  echo "$(date -u +%FT%TZ) run $dir $*"
  local start=$SECONDS
  nice -n 19 "$EVO_BIN" run --dir "$dir" --preset cifar10-small --download=false \
    --workers "$WORKERS" "$@" >>"$dir.log" 2>&1
  echo "$((SECONDS - start))" >>"$dir.wall"
  # Done only when the FLOPs budget stopped it (not a Ctrl-C or a crash: rerun to resume).
  if "$EVO_BIN" status --json --dir "$dir" | grep -q '"stop_reason": "max-flops"'; then
    touch "$dir/.experiment-done"
  fi
  echo "$(date -u +%FT%TZ) done $dir ($((SECONDS - start)) s this sitting)"
}
