package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/text"
	"evo/population"
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
	in, err := individualArg(c, e, "")
	if err != nil {
		return err
	}
	l, err := population.LineageOf(e.Store, in.Meta.ID)
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
