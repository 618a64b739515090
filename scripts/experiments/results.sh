#!/usr/bin/env bash
# Draws the figures and tables of RESULTS.md from the runs of fig2.sh, fig3.sh and fig4.sh
# (those that exist): `evo compare` per figure, `evo plot` for Fig. 4, and the test accuracy
# of each run's fittest alive individual (`evo eval`, the test split evolution never saw).
#
# Usage: scripts/experiments/results.sh     (env: see common.sh; FIGS=where the PNGs go,
#        default scripts/experiments/figures)
# Tables are printed (markdown) and saved in $OUT/results/.
source "$(dirname "$0")/common.sh"
FIGS=${FIGS:-$here/figures}
mkdir -p "$FIGS" "$OUT/results"

# evaltable DIR...: one markdown row per run: run, fittest alive's validation and test accuracy.
evaltable() {
  echo "| run | individuals | fittest alive: validation | test |"
  echo "|---|---|---|---|"
  for d in "$@"; do
    local js n
    js=$("$EVO_BIN" eval --json --dir "$d" --download=false 2>/dev/null) || { echo "| $(basename "$d") | eval failed | | |"; continue; }
    n=$("$EVO_BIN" status --json --dir "$d" | sed -n 's/^  "trained": \([0-9]*\),$/\1/p')
    echo "| $(basename "$d") | $n | $(echo "$js" | sed -n 's/^  "fitness": \(.*\)$/\1/p') | $(echo "$js" | sed -n 's/^  "accuracy": \(.*\),$/\1/p') |"
  done
}

# armtable: mean [min, max] of the fittest alive's validation and test accuracy per arm, from
# an evaltable whose run names are <arm>-s<seed>.
armtable() {
  awk -F'|' 'NR > 2 && $4 != "" {
      name = $2; gsub(/ /, "", name); sub(/-s[0-9]+$/, "", name)
      v = $4 + 0; t = $5 + 0; n[name]++
      sv[name] += v; st[name] += t
      if (!(name in lv) || v < lv[name]) lv[name] = v; if (!(name in hv) || v > hv[name]) hv[name] = v
      if (!(name in lt) || t < lt[name]) lt[name] = t; if (!(name in ht) || t > ht[name]) ht[name] = t
    }
    END {
      print "| arm | runs | validation (fittest alive) mean [range] | test mean [range] |"
      print "|---|---|---|---|"
      for (a in n) printf "| %s | %d | %.4f [%.4f, %.4f] | %.4f [%.4f, %.4f] |\n", a, n[a], sv[a]/n[a], lv[a], hv[a], st[a]/n[a], lt[a], ht[a]
    }'
}

runs=$(ls -d "$OUT"/fig2/*-s[0-9]* 2>/dev/null | grep -v '\.log$\|\.wall$' || true)
if [ -n "$runs" ]; then
  echo "## Fig. 2"
  "$EVO_BIN" compare -o "$FIGS/fig2.png" --title "CIFAR-10 copy, P=$P, T=$T" $runs | tee "$OUT/results/fig2-compare.txt"
  evaltable $runs | tee "$OUT/results/fig2-runs.md"
  armtable <"$OUT/results/fig2-runs.md" | tee "$OUT/results/fig2-arms.md"
fi

runs=$(ls -d "$OUT"/fig3/*-s[0-9]* 2>/dev/null | grep -v '\.log$\|\.wall$' || true)
if [ -n "$runs" ]; then
  echo "## Fig. 3"
  args=()
  for d in $runs; do b=$(basename "$d"); args+=("$d=${b%-s*}"); done
  "$EVO_BIN" compare -o "$FIGS/fig3.png" --title "CIFAR-10 copy" "${args[@]}" | tee "$OUT/results/fig3-compare.txt"
  evaltable $runs | tee "$OUT/results/fig3-runs.md"
fi

for d in "$OUT"/fig4/trapped-s*; do
  [ -d "$d" ] || continue
  echo "## Fig. 4 ($(basename "$d"))"
  "$EVO_BIN" plot --dir "$d" -o "$FIGS/fig4-$(basename "$d").png" --title "P=5, T=50: 5 mutations/child, then three population resets"
  cat "$d/.interventions"
  "$EVO_BIN" stats --dir "$d" | tee "$OUT/results/fig4-stats.txt"
  evaltable "$d"
done
