package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/text"
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
		_, err := io.WriteString(c.App.Writer, text.LineageDOT(l))
		return err
	}
	return text.Lineage(c.App.Writer, l)
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
