// Package text renders evo's reports for people: the tables and lines that evo show, list,
// lineage, status and control print, and the number, duration and time formats they share.
// The reports themselves are built by population; the commands choose between this text and
// JSON.
package text

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"evo/genome"
	"evo/population"
	"evo/storage"
)

// SI formats a count with an SI prefix: 1.23e12 → "1.23T".
func SI(x float64) string {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Sprint(x)
	}
	units := []string{"", "k", "M", "G", "T", "P", "E", "Z"}
	i := 0
	for math.Abs(x) >= 1000 && i < len(units)-1 {
		x /= 1000
		i++
	}
	return fmt.Sprintf("%.3g%s", x, units[i])
}

// Human formats a duration for people: "2h05m", "3m07s", "12s".
func Human(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh%02dm", h, m)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}

func Show(w io.Writer, r population.ShowReport) error {
	m := r.Meta
	state := "alive"
	if !r.Alive {
		state = "dead"
		if !r.Died.IsZero() {
			state = fmt.Sprintf("dead: killed by %s at %s", r.Killer, Time(r.Died))
		}
	}
	fmt.Fprintf(w, "individual   %s (%s)\n", m.ID, state)
	if m.Parent == "" {
		fmt.Fprintf(w, "parent       none: an initial individual (generation 0)\n")
	} else {
		fmt.Fprintf(w, "parent       %s (generation %d)\n", m.Parent, m.Generation)
	}
	if m.Reset {
		fmt.Fprintf(w, "reset        retrained after population reset %d: the parent's architecture from fresh weights\n", m.Epoch)
	}
	for i, rec := range m.Mutations {
		label := "mutations"
		if i > 0 {
			label = ""
		}
		fmt.Fprintf(w, "%-12s %s\n", label, MutationText(rec))
	}
	fmt.Fprintf(w, "fitness      %.4f validation accuracy (status %s)\n", m.Fitness, m.Status)
	if m.Reason != "" {
		fmt.Fprintf(w, "reason       %s\n", m.Reason)
	}
	fmt.Fprintf(w, "training     %d steps, learning rate %.4g, final loss %s\n", m.Steps, m.LearningRate, lossText(m.FinalLoss))
	fmt.Fprintf(w, "parameters   %s\n", SI(float64(m.Params)))
	fmt.Fprintf(w, "FLOPs        %s/step × %d steps + %s/batch × %d validation batches = %s\n",
		SI(float64(m.FLOPs.TrainStep)), m.Steps, SI(float64(m.FLOPs.EvalBatch)), m.FLOPs.EvalBatches, SI(m.FLOPs.Total))
	fmt.Fprintf(w, "timings      born %s by %s; trained in %s wall, %s CPU", Time(m.Born), m.Worker,
		Seconds(m.WallSeconds), Seconds(m.CPUSeconds))
	if m.PeakRSS > 0 {
		fmt.Fprintf(w, ", peak RSS %sB", SI(float64(m.PeakRSS)))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "inheritance  %.1f%% of the parameters (%d tensors inherited, %d initialised afresh)\n",
		100*m.InheritedFraction, m.Inherited, m.Reinitialised)
	fmt.Fprintf(w, "seed         %d (key %s)\n", m.Seed, m.Key)
	a := r.Architecture
	fmt.Fprintf(w, "architecture depth %d, %d convs, %d identities, %d skips; %s → %s → %d classes (arch %.12s, genome from %s)\n",
		a.Depth, a.Convs, a.Identities, a.Skips, shapeText(a.Input), shapeText(a.Output), a.Classes, m.ArchHash, r.GenomeSource)
	for _, v := range a.Vertices {
		line := fmt.Sprintf("  %-6s %-12s %-7s", v.ID, shapeText(v.Shape), v.Activation)
		if v.In != "" {
			line += "  ← " + v.In
		}
		if len(v.Skips) > 0 {
			line += "  + skips from " + strings.Join(v.Skips, ", ")
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	if r.Dir == "" {
		fmt.Fprintf(w, "files        none: the grave was garbage-collected (the history keeps the record)\n")
		return nil
	}
	fmt.Fprintf(w, "files        %s/\n", r.Dir)
	for _, f := range r.Files {
		fmt.Fprintf(w, "               %s\n", filepath.Base(f))
	}
	return nil
}

// Secs converts seconds to a time.Duration.
func Secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// Seconds formats a duration in seconds for people, keeping precision below a minute.
func Seconds(s float64) string {
	if s < 60 {
		return fmt.Sprintf("%.3gs", s)
	}
	return Human(Secs(s))
}

func lossText(l *float64) string {
	if l == nil {
		return "not finite"
	}
	return fmt.Sprintf("%.4g", *l)
}

func shapeText(s genome.Shape) string { return fmt.Sprintf("%d×%d×%d", s.H, s.W, s.C) }

// MutationText is one mutation record for people: its detail, marked when it did not apply.
func MutationText(r genome.Record) string {
	s := r.Detail
	if s == "" {
		s = r.Name
	}
	if !r.Applied {
		s += " (did not apply)"
	}
	return s
}

// Lineage writes the chain oldest first, one individual a line.
func Lineage(w io.Writer, l population.Lineage) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "GEN\tID\tFITNESS\tSTATE\tMUTATIONS FROM THE LINE ABOVE")
	for i := len(l.Chain) - 1; i >= 0; i-- {
		in := l.Chain[i]
		m := in.Meta
		muts := MutationsText(m)
		if m.Parent == "" {
			muts = "(initial individual)"
		} else if i == len(l.Chain)-1 {
			muts = fmt.Sprintf("(parent %s is missing from the history) %s", m.Parent, muts)
		}
		fmt.Fprintf(tw, "%d\t%s\t%.4f\t%s\t%s\n", m.Generation, m.ID, m.Fitness, State(in), muts)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !l.Complete {
		fmt.Fprintln(w, "warning: the chain does not reach an initial individual: a history log is missing or damaged (`evo check`)")
	}
	return nil
}

// MutationsText joins an individual's mutation records; a child of the weight-reset control
// is marked (its records start with the reset).
func MutationsText(m population.Meta) string {
	var parts []string
	for _, r := range m.Mutations {
		parts = append(parts, MutationText(r))
	}
	s := strings.Join(parts, "; ")
	if m.Reset {
		s += " (retrained after a population reset)"
	}
	return s
}

func State(in population.Individual) string {
	switch {
	case in.Alive:
		return "alive"
	case in.Meta.Status != population.StatusOK:
		return "dead (" + in.Meta.Status + ")"
	}
	return "dead"
}

// LineageDOT is the chain as a Graphviz digraph, oldest at the top, mutations on the edges.
func LineageDOT(l population.Lineage) string {
	var b strings.Builder
	b.WriteString("digraph lineage {\n  rankdir=TB;\n  node [shape=box, fontname=\"sans-serif\"];\n  edge [fontname=\"sans-serif\", fontsize=10];\n")
	for i := len(l.Chain) - 1; i >= 0; i-- {
		in := l.Chain[i]
		m := in.Meta
		style := ""
		if in.Alive {
			style = `, style=filled, fillcolor="#dbe8ff"`
		}
		fmt.Fprintf(&b, "  %q [label=%q%s];\n", m.ID,
			fmt.Sprintf("%s\ngeneration %d, fitness %.4f\n%s", m.ID, m.Generation, m.Fitness, State(in)), style)
	}
	for i := len(l.Chain) - 2; i >= 0; i-- {
		m := l.Chain[i].Meta
		fmt.Fprintf(&b, "  %q -> %q [label=%q];\n", l.Chain[i+1].Meta.ID, m.ID, MutationsText(m))
	}
	b.WriteString("}\n")
	return b.String()
}

func List(w io.Writer, rows []population.ListRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tFITNESS\tSTATUS\tPARAMS\tCONVS/DEPTH\tLR\tGEN\tAGE")
	for _, r := range rows {
		status := r.Status
		if !r.Alive {
			status += " (dead)"
		}
		arch := "?"
		if r.Convs != nil {
			arch = fmt.Sprintf("%d/%d", *r.Convs, *r.Depth)
		}
		age := "-"
		if r.AgeSeconds != nil {
			age = Human(Secs(*r.AgeSeconds))
		}
		fmt.Fprintf(tw, "%s\t%.4f\t%s\t%s\t%s\t%.3g\t%d\t%s\n", r.ID, r.Fitness, status, SI(float64(r.Params)), arch, r.LearningRate, r.Generation, age)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rows) == 0 {
		fmt.Fprintln(w, "(no individuals yet: start workers with `evo run` or `evo worker`)")
	}
	return nil
}

// maxDeadWorkerRows bounds the stopped or dead workers listed by printWorkers (the most
// recent ones); `evo status --json` has them all.
const maxDeadWorkerRows = 10

// Workers writes one line per worker: the alive ones, then the most recently seen
// stopped or dead ones.
func Workers(w io.Writer, all []population.WorkerStatus, now time.Time) {
	if len(all) == 0 {
		return
	}
	var alive, gone []population.WorkerStatus
	for _, s := range all {
		if s.Alive(now) {
			alive = append(alive, s)
		} else {
			gone = append(gone, s)
		}
	}
	sort.Slice(alive, func(i, j int) bool { return alive[i].Worker < alive[j].Worker })
	sort.SliceStable(gone, func(i, j int) bool { return gone[i].Time.After(gone[j].Time) })
	more := 0
	if len(gone) > maxDeadWorkerRows {
		more, gone = len(gone)-maxDeadWorkerRows, gone[:maxDeadWorkerRows]
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WORKER\tHOST\tSTATE\tHEARTBEAT\tBIRTHS\tFAILURES\tRSS\tHEAP")
	for _, s := range append(alive, gone...) {
		state := s.State
		if !s.Alive(now) && state != population.StateStopped {
			state = "dead (was " + state + ")"
		}
		host := s.Host
		if host == "" {
			host = storage.WorkerHost(s.Worker)
		}
		if host == "" {
			host = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s ago\t%d\t%d\t%s\t%s\n", s.Worker, host, state,
			Human(max(now.Sub(s.Time), 0)), s.Births, s.Failures, MiB(s.RSSBytes), MiB(s.HeapLiveBytes))
	}
	tw.Flush()
	if more > 0 {
		fmt.Fprintf(w, "... and %d more stopped or dead workers (`evo status --json` lists every worker)\n", more)
	}
}

// MiB formats a byte count in MiB, "-" when unknown.
func MiB(n int64) string {
	if n <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}

func Time(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format(time.DateTime)
}

// LimitsLine describes the budgets in force under ctl and where each comes from.
func LimitsLine(ctl population.Control, cfg population.Config) string {
	l := ctl.Limits(cfg)
	from := func(set bool) string {
		if set {
			return "control.json"
		}
		return "experiment.json"
	}
	return fmt.Sprintf("individuals %s (%s), FLOPs %s (%s), wall %s per run (%s)",
		CountLimit(l.MaxIndividuals), from(ctl.MaxIndividuals != nil),
		FLOPsLimit(l.MaxFLOPs), from(ctl.MaxFLOPs != nil),
		WallLimit(l.MaxWall), from(ctl.MaxWall != nil))
}

// BudgetLine describes the budgets l and the experiment's progress towards them.
func BudgetLine(l population.Limits, trained int, flops float64) string {
	var parts []string
	if l.MaxIndividuals > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d individuals (%.0f%%)", trained, l.MaxIndividuals, 100*float64(trained)/float64(l.MaxIndividuals)))
	} else {
		parts = append(parts, fmt.Sprintf("%d individuals (no limit)", trained))
	}
	if l.MaxFLOPs > 0 {
		parts = append(parts, fmt.Sprintf("%s of %s FLOPs (%.0f%%)", SI(flops), SI(l.MaxFLOPs), 100*flops/l.MaxFLOPs))
	} else {
		parts = append(parts, fmt.Sprintf("%s FLOPs (no limit)", SI(flops)))
	}
	parts = append(parts, "wall "+WallLimit(l.MaxWall)+" per run")
	return strings.Join(parts, ", ")
}

func CountLimit(n int) string {
	if n == 0 {
		return "no limit"
	}
	return fmt.Sprint(n)
}

func FLOPsLimit(f float64) string {
	if f == 0 {
		return "no limit"
	}
	return fmt.Sprintf("%.3g", f)
}

func WallLimit(d time.Duration) string {
	if d == 0 {
		return "no limit"
	}
	return d.String()
}
