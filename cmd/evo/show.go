package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"evo/genome"
	"evo/population"
	"evo/storage"
)

func showCommand() *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "show one individual: its record, its architecture, where its files are",
		ArgsUsage: "ID|best",
		Description: "ID is an individual's id (from `evo list`, alive or dead) or `best`, the fittest alive one.\n" +
			"A dead individual is shown from the history; its genome is read from its grave while the\n" +
			"garbage collector keeps it, and replayed from its lineage after that (checked against the\n" +
			"architecture hash of its record).",
		Flags:  flagsOf("show"),
		Action: runShow,
	}
}

func runShow(c *cli.Context) error {
	e, err := openExperiment(c)
	if err != nil {
		return err
	}
	defer e.Close()
	in, err := e.individualArg(c, "")
	if err != nil {
		return err
	}
	g, source, err := e.genomeOf(in)
	if err != nil {
		return err
	}
	if c.Bool("genome") {
		b, err := genome.Encode(g)
		if err != nil {
			return err
		}
		_, err = c.App.Writer.Write(b)
		return err
	}
	arch, err := population.ArchitectureOf(g)
	if err != nil {
		return err
	}
	r := population.ShowReport{Individual: in, GenomeSource: source, Architecture: arch}
	r.Dir, r.Files = e.filesOf(in)
	if c.Bool("json") {
		return printJSON(c, r)
	}
	return printShow(c.App.Writer, r)
}

func printShow(w io.Writer, r population.ShowReport) error {
	m := r.Meta
	state := "alive"
	if !r.Alive {
		state = "dead"
		if !r.Died.IsZero() {
			state = fmt.Sprintf("dead: killed by %s at %s", r.Killer, fmtTime(r.Died))
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
		fmt.Fprintf(w, "%-12s %s\n", label, mutationText(rec))
	}
	fmt.Fprintf(w, "fitness      %.4f validation accuracy (status %s)\n", m.Fitness, m.Status)
	if m.Reason != "" {
		fmt.Fprintf(w, "reason       %s\n", m.Reason)
	}
	fmt.Fprintf(w, "training     %d steps, learning rate %.4g, final loss %s\n", m.Steps, m.LearningRate, lossText(m.FinalLoss))
	fmt.Fprintf(w, "parameters   %s\n", si(float64(m.Params)))
	fmt.Fprintf(w, "FLOPs        %s/step × %d steps + %s/batch × %d validation batches = %s\n",
		si(float64(m.FLOPs.TrainStep)), m.Steps, si(float64(m.FLOPs.EvalBatch)), m.FLOPs.EvalBatches, si(m.FLOPs.Total))
	fmt.Fprintf(w, "timings      born %s by %s; trained in %s wall, %s CPU", fmtTime(m.Born), m.Worker,
		seconds(m.WallSeconds), seconds(m.CPUSeconds))
	if m.PeakRSS > 0 {
		fmt.Fprintf(w, ", peak RSS %sB", si(float64(m.PeakRSS)))
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

func secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// seconds formats a duration in seconds for people, keeping precision below a minute.
func seconds(s float64) string {
	if s < 60 {
		return fmt.Sprintf("%.3gs", s)
	}
	return human(secs(s))
}

func lossText(l *float64) string {
	if l == nil {
		return "not finite"
	}
	return fmt.Sprintf("%.4g", *l)
}

func shapeText(s genome.Shape) string { return fmt.Sprintf("%d×%d×%d", s.H, s.W, s.C) }

// mutationText is one mutation record for people: its detail, marked when it did not apply.
func mutationText(r genome.Record) string {
	s := r.Detail
	if s == "" {
		s = r.Name
	}
	if !r.Applied {
		s += " (did not apply)"
	}
	return s
}

// individualArg resolves the command's one ID|best argument (def when none is given).
func (e *experiment) individualArg(c *cli.Context, def string) (population.Individual, error) {
	args := c.Args().Slice()
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			return population.Individual{}, fmt.Errorf("flag %s after the id: flags go before it, as in `evo %s --dir DIR [flags] ID`", a, c.Command.Name)
		}
	}
	if len(args) > 1 {
		return population.Individual{}, fmt.Errorf("evo %s takes one individual (an id or best), got %d: %s", c.Command.Name, len(args), strings.Join(args, " "))
	}
	arg := def
	if len(args) == 1 {
		arg = args[0]
	}
	return e.individual(arg)
}

// individual resolves an ID|best argument to an individual, alive or dead.
func (e *experiment) individual(arg string) (population.Individual, error) {
	id, err := e.resolveID(arg)
	if err != nil {
		return population.Individual{}, err
	}
	if !storage.ValidName(id) {
		return population.Individual{}, fmt.Errorf("%q is not an individual id: ids look like 20260105T101530.123456789Z-0123456789ab (see `evo list --dir %s --all`)", id, e.root.Dir())
	}
	in, err := population.Show(e.store, id)
	if errors.Is(err, population.ErrUnknown) {
		return population.Individual{}, fmt.Errorf("individual %s is neither alive nor in the history of %s: `evo list --dir %s --all` shows every id", id, e.root.Dir(), e.root.Dir())
	}
	if err != nil {
		return population.Individual{}, err
	}
	return in, nil
}

// filesOf returns the directory of in (alive, or its grave while it exists) and its files,
// as absolute paths a person can ls. Both are empty when the grave was collected.
func (e *experiment) filesOf(in population.Individual) (string, []string) {
	return e.root.Files(in.Meta.ID, in.Alive)
}
