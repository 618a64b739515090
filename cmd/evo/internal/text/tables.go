package text

import (
	"fmt"
	"io"
	"time"

	"evo/cmd/evo/internal/settings"
	"evo/population"
	"evo/storage"
)

// MutationStats writes `evo stats`: a summary line and one row per mutation type.
func MutationStats(w io.Writer, st population.MutationStats) {
	fmt.Fprintf(w, "%d mutated children (%d replayed for the draw counts), %d retrainings after resets\n",
		st.Children, st.Replayed, st.Retrainings)
	fmt.Fprintf(w, "%-22s %6s %8s %9s %9s %9s %7s\n", "mutation", "drawn", "applied", "children", "mean Δ", "median Δ", "better")
	for _, m := range st.Mutations {
		fmt.Fprintf(w, "%-22s %6d %8d %9d %+9.4f %+9.4f %6.0f%%\n", m.Name, m.Drawn, m.Applied, m.Children,
			m.MeanDelta, m.MedianDelta, 100*m.ShareBetter)
	}
}

// Comparison writes `evo compare`'s table: the final best validation accuracy per group.
func Comparison(w io.Writer, groups []*population.CompareGroup) {
	fmt.Fprintf(w, "%-16s %4s  %-26s %10s %9s %11s\n", "label", "runs", "best validation mean [range]", "FLOPs", "wall (s)", "individuals")
	for _, g := range groups {
		fmt.Fprintf(w, "%-16s %4d  %.4f [%.4f, %.4f]       %10.3g %9.0f %11.0f\n", g.Label, g.Runs,
			g.Best.Mean, g.Best.Min, g.Best.Max, g.FLOPs.Mean, g.Seconds.Mean, g.Individuals.Mean)
	}
}

// Check writes `evo check`: one line per problem of the experiment dir, then a verdict when it
// is clean or was repaired.
func Check(w io.Writer, dir string, problems []storage.Problem, repaired bool) {
	for _, p := range problems {
		fmt.Fprintln(w, p.String())
	}
	switch {
	case len(problems) == 0:
		fmt.Fprintf(w, "%s: clean\n", dir)
	case repaired:
		fmt.Fprintf(w, "%d problems; bad entries moved to %s/quarantine/\n", len(problems), dir)
	}
}

// Control writes the control in force (`evo control`); mutations is experiment.json's
// mutations per child and budgets its budgets.
func Control(w io.Writer, ctl population.Control, mutations int, budgets population.Config) {
	m := "experiment's setting"
	if ctl.MutationsPerChild > 0 {
		m = fmt.Sprint(ctl.MutationsPerChild)
	}
	fmt.Fprintf(w, "mutations per child: %s (experiment.json: %d)\nweight reset at:     %s (reset epoch %d)\nstop requested:      %v\n",
		m, mutations, Time(ctl.ResetAt), ctl.ResetEpoch, ctl.Stop)
	fmt.Fprintf(w, "budgets:             %s\n", LimitsLine(ctl, budgets))
}

// Init writes what `evo init` created in dir and how to go on.
func Init(w io.Writer, dir string, cfg *settings.Config) {
	fmt.Fprintf(w, "experiment %s: preset %s, data set %s, population %d, %d steps per individual\n",
		dir, cfg.Preset, cfg.Dataset, cfg.Population, cfg.Steps)
	fmt.Fprintf(w, "budgets: individuals %s and FLOPs %s for the whole experiment, wall time %s for each run (change them later with `evo control --max-individuals/--max-flops/--max-wall`)\n",
		CountLimit(cfg.MaxIndividuals), FLOPsLimit(cfg.MaxFLOPs), WallLimit(time.Duration(cfg.MaxWall)))
	fmt.Fprintf(w, "start workers with `evo run --dir %s` (this machine) or `evo worker --dir %s` (clusters)\n", dir, dir)
}
