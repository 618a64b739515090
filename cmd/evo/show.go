package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/experiment"
	"evo/cmd/evo/internal/text"
	"evo/genome"
	"evo/population"
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
	in, err := individualArg(c, e, "")
	if err != nil {
		return err
	}
	g, source, err := e.Genome(in)
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
	r.Dir, r.Files = e.Files(in)
	if c.Bool("json") {
		return printJSON(c, r)
	}
	return text.Show(c.App.Writer, r)
}

// individualArg resolves the command's one ID|best argument (def when none is given).
func individualArg(c *cli.Context, e *experiment.Experiment, def string) (population.Individual, error) {
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
	return e.Individual(arg)
}
