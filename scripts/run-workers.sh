#!/usr/bin/env bash
# Run N evo workers on this machine against one experiment directory.
#
# Usage:
#   scripts/run-workers.sh DIR N [extra `evo worker` flags...]
#
#   DIR  experiment directory, created beforehand with `evo init --dir DIR ...`
#   N    number of worker processes (one per core is a good start)
#
# Each worker's log goes to DIR/logs/worker-<i>.log. Ctrl-C (or SIGTERM) stops every worker
# cleanly: each abandons its current child, which the garbage collector reclaims. A worker that
# dies is not restarted by this script; run it again to add workers to a live run (a run has no
# master, so workers can come and go at any time). `evo run` does all of this for you on one
# machine, with a progress line; this script is for when you want the pieces separately.
set -euo pipefail

if [ $# -lt 2 ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
dir=$1; n=$2; shift 2
evo=${EVO_BIN:-evo}
command -v "$evo" >/dev/null 2>&1 || { echo "run-workers: '$evo' not found; build it with 'go build -o evo ./cmd/evo' and set EVO_BIN=./evo" >&2; exit 2; }
[ -f "$dir/experiment.json" ] || { echo "run-workers: $dir is not an experiment directory (no experiment.json); create it with '$evo init --dir $dir'" >&2; exit 2; }
case $n in ''|*[!0-9]*|0|0*) echo "run-workers: N must be a positive integer, got '$n'" >&2; exit 2;; esac

mkdir -p "$dir/logs"
pids=()
stop() { kill -TERM "${pids[@]}" 2>/dev/null || true; wait; }
trap stop INT TERM
for i in $(seq 1 "$n"); do
  "$evo" worker --dir "$dir" "$@" >"$dir/logs/worker-$i.log" 2>&1 &
  pids+=($!)
done
# One garbage collector per host is enough; several are harmless (GC is idempotent).
"$evo" gc --dir "$dir" --loop >"$dir/logs/gc-$(hostname).log" 2>&1 &
pids+=($!)
echo "started $n workers and a garbage collector on $dir (logs in $dir/logs); Ctrl-C stops them"
wait
