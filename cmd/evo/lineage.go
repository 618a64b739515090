package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"evo/genome"
	"evo/population"
	"evo/train/checkpoint"
)

func lineageCommand() *cli.Command {
	return &cli.Command{
		Name:      "lineage",
		Usage:     "the ancestors of an individual back to an initial one, with the mutations on each edge",
		ArgsUsage: "ID|best",
		Description: "Reads the history, so dead ancestors are included even after garbage collection. The\n" +
			"chain is printed oldest first: each line is a child of the line above, with the mutations\n" +
			"that made it. --dot prints the chain as a Graphviz digraph (render with `dot -Tsvg`).",
		Flags:  flagsOf("lineage"),
		Action: runLineage,
	}
}

func runLineage(c *cli.Context) error {
	if c.Bool("dot") && c.Bool("json") {
		return fmt.Errorf("--dot and --json contradict each other: give one")
	}
	e, err := openExperiment(c)
	if err != nil {
		return err
	}
	defer e.Close()
	in, err := e.individualArg(c, "")
	if err != nil {
		return err
	}
	l, err := population.LineageOf(e.store, in.Meta.ID)
	if err != nil {
		return err
	}
	switch {
	case c.Bool("json"):
		return printJSON(c, l)
	case c.Bool("dot"):
		_, err := io.WriteString(c.App.Writer, lineageDOT(l))
		return err
	}
	return printLineage(c.App.Writer, l)
}

// printLineage writes the chain oldest first, one individual a line.
func printLineage(w io.Writer, l population.Lineage) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "GEN\tID\tFITNESS\tSTATE\tMUTATIONS FROM THE LINE ABOVE")
	for i := len(l.Chain) - 1; i >= 0; i-- {
		in := l.Chain[i]
		m := in.Meta
		muts := mutationsText(m)
		if m.Parent == "" {
			muts = "(initial individual)"
		} else if i == len(l.Chain)-1 {
			muts = fmt.Sprintf("(parent %s is missing from the history) %s", m.Parent, muts)
		}
		fmt.Fprintf(tw, "%d\t%s\t%.4f\t%s\t%s\n", m.Generation, m.ID, m.Fitness, stateText(in), muts)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !l.Complete {
		fmt.Fprintln(w, "warning: the chain does not reach an initial individual: a history log is missing or damaged (`evo check`)")
	}
	return nil
}

// mutationsText joins an individual's mutation records; a child of the weight-reset control
// is marked (its records start with the reset).
func mutationsText(m population.Meta) string {
	var parts []string
	for _, r := range m.Mutations {
		parts = append(parts, mutationText(r))
	}
	s := strings.Join(parts, "; ")
	if m.Reset {
		s += " (retrained after a population reset)"
	}
	return s
}

func stateText(in population.Individual) string {
	switch {
	case in.Alive:
		return "alive"
	case in.Meta.Status != population.StatusOK:
		return "dead (" + in.Meta.Status + ")"
	}
	return "dead"
}

// lineageDOT is the chain as a Graphviz digraph, oldest at the top, mutations on the edges.
func lineageDOT(l population.Lineage) string {
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
			fmt.Sprintf("%s\ngeneration %d, fitness %.4f\n%s", m.ID, m.Generation, m.Fitness, stateText(in)), style)
	}
	for i := len(l.Chain) - 2; i >= 0; i-- {
		m := l.Chain[i].Meta
		fmt.Fprintf(&b, "  %q -> %q [label=%q];\n", l.Chain[i+1].Meta.ID, m.ID, mutationsText(m))
	}
	b.WriteString("}\n")
	return b.String()
}

// genomeOf returns in's genome and where it came from: population.SourcePopulation,
// SourceGraveyard or SourceReplay (see population.Replayer).
func (e *experiment) genomeOf(in population.Individual) (*genome.Genome, string, error) {
	if in.Alive {
		g, err := e.loadGenome(in.Meta.ID)
		return g, population.SourcePopulation, err
	}
	r, err := population.NewReplayer(e.store, e.root)
	if err != nil {
		return nil, "", err
	}
	return r.Genome(in.Meta.ID)
}

// weightsOf returns in's checkpoint: alive, or dead while its grave exists.
func (e *experiment) weightsOf(in population.Individual) (*checkpoint.Checkpoint, error) {
	id := in.Meta.ID
	if in.Alive {
		return e.loadWeights(id)
	}
	b, _, err := e.readGraveFile(id, population.WeightsFile, maxWeightsBytes)
	if err != nil {
		return nil, fmt.Errorf("the weights of %s are gone: it was killed and its grave garbage-collected (only alive individuals, and dead ones for a grace period, keep weights): %w", id, err)
	}
	ck, err := checkpoint.Read(bytes.NewReader(b), checkpoint.Limits{})
	if err != nil {
		return nil, fmt.Errorf("dead individual %s, %s: %w", id, population.WeightsFile, err)
	}
	return ck, nil
}

// readGraveFile reads file name of the killed individual id from its grave, verified by
// storage against the grave's record. The path is the grave's file, for messages.
func (e *experiment) readGraveFile(id, name string, max int64) ([]byte, string, error) {
	b, err := e.root.ReadDeadFile(id, name, max)
	dir, _ := e.root.Files(id, false)
	return b, filepath.Join(dir, name), err
}
