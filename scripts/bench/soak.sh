#!/usr/bin/env bash
# Memory soak of one real evo worker: is its memory flat over thousands of individuals?
#
# Usage:
#   scripts/bench/soak.sh [MINUTES=10] [digits|cifar10-small]
#
# Builds evo into a temporary directory (or uses $EVO_BIN), creates a fresh experiment with the
# preset (budget: MINUTES plus a margin, so that the script, not the budget, ends the run),
# starts ONE `evo worker --threads 1` with GODEBUG=gctrace=1, and samples every few seconds:
# its RSS (VmRSS of /proc/PID/status), the live heap after its last garbage collection (the
# third number of gctrace's "A->B->C MB") and the individuals it trained (births in history/).
# It prints a line per 500 individuals (digits) or per minute (cifar10-small, which trains a
# few individuals a minute), stops the worker with SIGTERM, and ends with least-squares slopes
# over individuals after a warm-up (WARMUP seconds; default the first fifth of the run, at
# least 30 s), the live heap's (the leak) and, last, the RSS's:
#   rss growth per 1000 individuals: X MB
# RSS follows the heap goal (twice the live heap with GOGC=100) and steps up when a larger net
# first needs more buffers, so on a run of a few dozen individuals (cifar10-small) the slope
# extrapolates warm-up noise: run longer, or read the live heap's slope.
#
# cifar10-small needs CIFAR-10 in the binary layout: DATA/cifar-10-batches-bin/. DATA is
# $EVO_DATA, else $EVO_SHARED/datasets, else ../shared/datasets next to the repository (the
# worker never downloads here). Run it with `nice` when the machine is shared. KEEP=1 keeps the
# experiment directory and the worker's log. Needs Linux (/proc).
set -euo pipefail

minutes=${1:-10}
preset=${2:-digits}
case $minutes in '' | *[!0-9]* | 0) echo "soak: MINUTES must be a positive integer, got '$minutes'" >&2; exit 2 ;; esac
case $preset in digits | cifar10-small) ;; *) echo "soak: preset must be digits or cifar10-small, got '$preset'" >&2; exit 2 ;; esac
[ -r /proc/self/status ] || { echo "soak: needs /proc (Linux) to read the worker's RSS" >&2; exit 2; }

repo=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/evo-soak.XXXXXX")
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ "${KEEP:-0}" = 1 ]; then echo "soak: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

evo=${EVO_BIN:-}
if [ -z "$evo" ]; then
  evo=$tmp/evo
  (cd "$repo" && go build -o "$evo" ./cmd/evo) || { echo "soak: go build failed (is Go on PATH?); or set EVO_BIN to an evo binary" >&2; exit 2; }
fi
[ -x "$evo" ] || { echo "soak: EVO_BIN=$evo is not an executable" >&2; exit 2; }

data_flags=()
every_births=500 every_secs=0
if [ "$preset" = cifar10-small ]; then
  shared=${EVO_SHARED:-$repo/../shared}
  data=${EVO_DATA:-$shared/datasets}
  [ -f "$data/cifar-10-batches-bin/data_batch_1.bin" ] || {
    echo "soak: no CIFAR-10 at $data/cifar-10-batches-bin; set EVO_DATA (or EVO_SHARED) to the directory that holds it" >&2
    exit 2
  }
  data_flags=(--data "$data" --download=false)
  every_births=0 every_secs=60
fi

exp=$tmp/exp
"$evo" init --dir "$exp" --preset "$preset" --max-wall "$((minutes + 10))m" >/dev/null
GODEBUG=gctrace=1 "$evo" worker --dir "$exp" --threads 1 --name soak "${data_flags[@]}" >"$tmp/worker.out" 2>"$tmp/worker.log" &
pid=$!
echo "soak: $preset, one worker (pid $pid, 1 thread) for $minutes min, binary $evo"
printf '%8s %12s %9s %14s\n' seconds individuals rss_MB live_heap_MB

samples=$tmp/samples # seconds individuals rss_kB live_heap_MB
: >"$samples"
start=$SECONDS end=$((SECONDS + minutes * 60))
next_births=$every_births next_secs=$every_secs
while [ "$SECONDS" -lt "$end" ]; do
  sleep 2
  kill -0 "$pid" 2>/dev/null || { echo "soak: the worker exited early; its log:" >&2; tail -20 "$tmp/worker.log" >&2; exit 1; }
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  births=$(cat "$exp"/history/*.jsonl 2>/dev/null | grep -c '"event":"birth"' || true)
  live=$(grep '^gc ' "$tmp/worker.log" | tail -1 | sed -n 's/.* [0-9]*->[0-9]*->\([0-9]*\) MB.*/\1/p')
  t=$((SECONDS - start))
  echo "$t ${births:-0} ${rss:-0} ${live:-0}" >>"$samples"
  line=$(printf '%8d %12d %9.1f %14s' "$t" "${births:-0}" "$(echo "${rss:-0}" | awk '{print $1/1024}')" "${live:-?}")
  if [ "$every_births" -gt 0 ] && [ "${births:-0}" -ge "$next_births" ]; then
    echo "$line"
    while [ "$next_births" -le "${births:-0}" ]; do next_births=$((next_births + every_births)); done
  elif [ "$every_secs" -gt 0 ] && [ "$t" -ge "$next_secs" ]; then
    echo "$line"
    next_secs=$((next_secs + every_secs))
  fi
done
echo "$line (end)"
kill -TERM "$pid"
wait "$pid" 2>/dev/null || true
pid=

# Least-squares slope of RSS (MB) over individuals, samples after the warm-up.
warm=${WARMUP:-$((minutes * 60 / 5))}
[ "$warm" -ge 30 ] || warm=30
awk -v warm="$warm" '
  $1 >= warm { n++; x = $2; y = $3 / 1024; h = $4; sx += x; sy += y; sh += h; sxx += x * x; sxy += x * y; sxh += x * h
               if (y > peak) peak = y; if (n == 1) { x0 = x; y0 = y }; x1 = x; y1 = y }
  END {
    if (n < 2 || x1 == x0) { print "soak: too few individuals after the warm-up for a slope" > "/dev/stderr"; print "rss growth per 1000 individuals: NaN MB"; exit }
    d = n * sxx - sx * sx
    printf "after the warm-up (%d s): %d samples, individuals %d..%d, rss %.1f -> %.1f MB (peak %.1f MB)\n", warm, n, x0, x1, y0, y1, peak
    printf "live heap growth per 1000 individuals: %.2f MB\n", (n * sxh - sx * sh) / d * 1000
    printf "rss growth per 1000 individuals: %.2f MB\n", (n * sxy - sx * sy) / d * 1000
  }' "$samples"
