package main

import (
	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/text"
	"evo/population"
)

func statsCommand() *cli.Command {
	return &cli.Command{
		Name:  "stats",
		Usage: "per mutation type: how often drawn and applied, and the child's fitness against its parent's",
		Description: "Reads the history of --dir. drawn counts every draw of a mutation type (one that does not\n" +
			"apply to the genome is redrawn; such draws are replayed from the children's seeds), applied\n" +
			"the draws that changed a genome. Δ is child − parent validation accuracy over the children\n" +
			"with that mutation applied (a child with several mutations counts for each): mean, median\n" +
			"and the share of children better than their parent. Retrainings after a population reset\n" +
			"are not mutations and are left out.",
		Flags:  flagsOf("stats"),
		Action: runStats,
	}
}

func runStats(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	e, err := openExperiment(c)
	if err != nil {
		return err
	}
	defer e.Close()
	st, err := population.MutationStatsOf(e.Store)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return printJSON(c, st)
	}
	text.MutationStats(c.App.Writer, st)
	return nil
}
