#!/usr/bin/env bash
# Times evo's training step against PyTorch on the reference nets (tiny, mid, full; see `go doc
# evo/train`, section Reference nets) at batch 50 on random 32x32x3 data, alternating the two
# (evo then PyTorch, per net and round), and prints steps/s, images/s, peak RSS, GFLOP/s and the
# ratio evo/PyTorch (time per step) per net:
# of the fastest round of each (the least disturbed by other load on the machine; with ROUNDS > 1
# the ratio of the means follows in parentheses). The ratio lines end with "ratio full: X.XX"
# (when full is timed); the workers lines follow.
#
# Usage: scripts/bench/train_vs_torch.sh            # pure Go (assembly sgemm)
#        TAGS=openblas scripts/bench/train_vs_torch.sh  # OpenBLAS (needs libopenblas-dev)
# Then, on the mid net, it compares the combined throughput of 2 worker processes with 1 thread
# each (GOMAXPROCS=1, PyTorch --threads 1) with 1 process on 2 threads ("workers" lines).
# Environment: ROUNDS (default 1), NETS (default "tiny mid full"), THREADS for both evo
# (GOMAXPROCS) and PyTorch (default 2),
# WORKERS (default 1; 0 skips the workers comparison), PYTHON (default /usr/bin/python3).
# Installs Debian's python3-torch with apt-get when PyTorch is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-1}
NETS=${NETS:-tiny mid full}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-1}
PY=${PYTHON:-/usr/bin/python3} # Debian's python3, which python3-torch installs into
declare -A STEPS=([tiny]=3000 [mid]=30 [full]=6)
declare -A WARMUP=([tiny]=100 [mid]=3 [full]=1)

if ! "$PY" -c 'import torch' 2>/dev/null; then
	echo "PyTorch missing: installing python3-torch with apt-get" >&2
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	$SUDO apt-get install -y python3-torch >&2
fi

BIN=$(mktemp -d)/evo-bench
if [ "${TAGS:-}" = openblas ]; then
	CGO_ENABLED=1 CGO_LDFLAGS=-lopenblas go build -tags openblas -o "$BIN" ./cmd/evo-bench
else
	go build -o "$BIN" ./cmd/evo-bench
fi

field() { # field KEY LINE
	tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"
}

declare -A EVO_MS TORCH_MS EVO_MIN TORCH_MIN
printf '%-5s %-6s %10s %10s %12s %9s %9s\n' net impl step_ms steps/s images/s rss_MB GFLOP/s
for round in $(seq "$ROUNDS"); do
	for net in $NETS; do
		e=$(GOMAXPROCS=$THREADS "$BIN" -net "$net" -steps "${STEPS[$net]}" -warmup "${WARMUP[$net]}" -batch 50)
		t=$("$PY" scripts/bench/torch_ref.py --net "$net" --steps "${STEPS[$net]}" --warmup "${WARMUP[$net]}" --batch 50 --threads "$THREADS")
		gf=$(field gflop_per_step "$e")
		em=$(field step_ms "$e")
		tm=$(field step_ms "$t")
		printf '%-5s %-6s %10s %10s %12s %9s %9s\n' "$net" "evo/$(field blas "$e" | cut -c1-2)" "$em" "$(field steps_per_s "$e")" \
			"$(field images_per_s "$e")" "$(field peak_rss_mb "$e")" "$(field gflops "$e")"
		printf '%-5s %-6s %10s %10s %12s %9s %9s\n' "$net" torch "$tm" "$(field steps_per_s "$t")" \
			"$(field images_per_s "$t")" "$(field peak_rss_mb "$t")" "$(awk -v g="$gf" -v ms="$tm" 'BEGIN{printf "%.2f", g/(ms/1000)}')"
		EVO_MS[$net]=$(awk -v a="${EVO_MS[$net]:-0}" -v b="$em" 'BEGIN{print a+b}')
		TORCH_MS[$net]=$(awk -v a="${TORCH_MS[$net]:-0}" -v b="$tm" 'BEGIN{print a+b}')
		EVO_MIN[$net]=$(awk -v a="${EVO_MIN[$net]:-1e300}" -v b="$em" 'BEGIN{print (b<a)?b:a}')
		TORCH_MIN[$net]=$(awk -v a="${TORCH_MIN[$net]:-1e300}" -v b="$tm" 'BEGIN{print (b<a)?b:a}')
	done
done
ratio() { # ratio NET: min-based, then the mean-based one in parentheses when ROUNDS > 1
	local r
	r=$(awk -v e="${EVO_MIN[$1]}" -v t="${TORCH_MIN[$1]}" 'BEGIN{printf "%.2f", e/t}')
	if [ "$ROUNDS" -gt 1 ]; then
		r="$r ($(awk -v e="${EVO_MS[$1]}" -v t="${TORCH_MS[$1]}" 'BEGIN{printf "%.2f", e/t}'))"
	fi
	echo "$r"
}
for net in $NETS; do
	[ "$net" = full ] && continue
	echo "ratio $net: $(ratio "$net")"
done
if [[ " $NETS " == *" full "* ]]; then
	echo "ratio full: $(ratio full)"
fi
[ "$WORKERS" = 0 ] && exit 0
# Workers: 2 single-threaded processes at once vs 1 process on 2 threads, mid net, steps/s summed.
wsteps=$((STEPS[mid] * 2))
sps() { field steps_per_s "$1"; }
one_evo=$(sps "$("$BIN" -net mid -steps "$wsteps" -warmup 2 -batch 50)")
a=$(mktemp) b=$(mktemp)
GOMAXPROCS=1 "$BIN" -net mid -steps "$wsteps" -warmup 2 -batch 50 >"$a" &
GOMAXPROCS=1 "$BIN" -net mid -steps "$wsteps" -warmup 2 -batch 50 >"$b"
wait
two_evo=$(awk -v x="$(sps "$(cat "$a")")" -v y="$(sps "$(cat "$b")")" 'BEGIN{print x+y}')
one_torch=$(sps "$("$PY" scripts/bench/torch_ref.py --net mid --steps "$wsteps" --warmup 2 --batch 50 --threads 2)")
"$PY" scripts/bench/torch_ref.py --net mid --steps "$wsteps" --warmup 2 --batch 50 --threads 1 >"$a" &
"$PY" scripts/bench/torch_ref.py --net mid --steps "$wsteps" --warmup 2 --batch 50 --threads 1 >"$b"
wait
two_torch=$(awk -v x="$(sps "$(cat "$a")")" -v y="$(sps "$(cat "$b")")" 'BEGIN{print x+y}')
rm -f "$a" "$b"
printf 'workers mid evo:   1 process x 2 threads %.2f steps/s, 2 processes x 1 thread %.2f steps/s (x%.2f)\n' \
	"$one_evo" "$two_evo" "$(awk -v a="$two_evo" -v b="$one_evo" 'BEGIN{print a/b}')"
printf 'workers mid torch: 1 process x 2 threads %.2f steps/s, 2 processes x 1 thread %.2f steps/s (x%.2f)\n' \
	"$one_torch" "$two_torch" "$(awk -v a="$two_torch" -v b="$one_torch" 'BEGIN{print a/b}')"
