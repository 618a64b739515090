package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/models"
)

func ensembleCommand() *cli.Command {
	return &cli.Command{
		Name:  "ensemble",
		Usage: "majority vote of the top K alive individuals by validation accuracy (the paper's ensemble)",
		Description: "Ranks the alive individuals by validation accuracy, evaluates the top K on --split\n" +
			"(default test) and lets them vote on every example; a tie goes to the class chosen by the\n" +
			"higher-ranked member. Prints the ensemble's accuracy next to each member's and the best\n" +
			"single model's (the top one by validation accuracy, the paper's \"best model\").",
		Flags:  flagsOf("ensemble"),
		Action: runEnsemble,
	}
}

func runEnsemble(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	split := c.String("split")
	if err := models.CheckSplit(split); err != nil {
		return err
	}
	k := c.Int("top")
	if k < 1 {
		return fmt.Errorf("--top %d: need at least 1 member", k)
	}
	e, err := openExperiment(c)
	if err != nil {
		return err
	}
	defer e.Close()
	top, err := e.Top(k)
	if err != nil {
		return err
	}
	if len(top) < k {
		fmt.Fprintf(c.App.ErrWriter, "evo: only %d trained individuals are alive: the ensemble has %d members, not %d\n", len(top), len(top), k)
	}
	d, err := loadData(c.Context, c, e.Cfg.Dataset, c.App.ErrWriter)
	if err != nil {
		return err
	}
	r, err := models.Ensemble(c.Context, e, top, d, split)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return printJSON(c, r)
	}
	return models.PrintEnsemble(c.App.Writer, r)
}
