#!/usr/bin/env bash
# Usage: scripts/bench/history_scale.sh [DIR]
#
# Bookkeeping at the paper's scale: generates an experiment with EVENTS history events
# (default 1,000,000) from WORKERS workers (250) and a population of ALIVE (1000) in DIR
# (default: a new temporary directory; it needs about 0.5 GB), then times `evo status` and
# `evo lineage best` without the history index, runs `evo gc` once to write it, and times them
# again. Last, it reports the bytes a worker's budget check reads. Run from the repository root.
set -euo pipefail
EVENTS=${EVENTS:-1000000}
WORKERS=${WORKERS:-250}
ALIVE=${ALIVE:-1000}
dir=${1:-$(mktemp -d)/evo-scale}
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
export PATH=$PATH:/usr/local/go/bin

go build -o "$bin/evo" ./cmd/evo
rm -rf "$dir"
"$bin/evo" init --dir "$dir" >/dev/null
echo "generating $EVENTS events from $WORKERS workers, population $ALIVE, in $dir"
go test ./population -run '^TestGenerateHistory$' -count=1 -args \
	-gen-dir "$dir" -gen-events "$EVENTS" -gen-workers "$WORKERS" -gen-alive "$ALIVE" >/dev/null
echo "history: $(du -sh "$dir/history" | cut -f1) in $(ls "$dir/history" | wc -l) logs"

# timed LABEL CMD...: runs CMD twice (the first warms the page cache) and prints the second
# run's wall time and CPU time (user + system; on a busy machine the CPU time is the figure
# that does not depend on the other load).
timed() {
	local label=$1
	shift
	"$@" >/dev/null 2>&1
	local t
	t=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 | tail -1)
	read -r real user sys <<<"$t"
	printf '%-32s wall %6.2f s   cpu %6.2f s\n' "$label" "$real" "$(echo "$user + $sys" | bc -l)"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
rm -f "$dir/history.index"
timed "evo status (no index)" "$bin/evo" status --dir "$dir"
timed "evo lineage best (no index)" "$bin/evo" lineage best --dir "$dir"
t=$( { TIMEFORMAT='%R %U %S'; time "$bin/evo" gc --dir "$dir" >/dev/null 2>&1; } 2>&1 | tail -1)
read -r real user sys <<<"$t"
printf '%-32s wall %6.2f s   cpu %6.2f s   (index %s)\n' "evo gc (writes the index)" "$real" "$(echo "$user + $sys" | bc -l)" "$(du -h "$dir/history.index" | cut -f1)"
timed "evo status (index)" "$bin/evo" status --dir "$dir"
timed "evo lineage best (index)" "$bin/evo" lineage best --dir "$dir"
timed "evo plot (index)" "$bin/evo" plot --dir "$dir" -o "$bin/plot.png"
timed "evo plot (no index)" env -u EVO_DIR sh -c 'mv "$1/history.index" "$1/history.index.off"; "$2" plot --dir "$1" -o "$3"; s=$?; mv "$1/history.index.off" "$1/history.index"; exit $s' _ "$dir" "$bin/evo" "$bin/plot.png"
go test ./population -run '^TestScanGenerated$' -count=1 -v -args -gen-dir "$dir" | grep 'bytes'
