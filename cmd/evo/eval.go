package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/models"
	"evo/train/data"
)

func evalCommand() *cli.Command {
	return &cli.Command{
		Name:      "eval",
		Usage:     "measure an individual's accuracy on the test, validation or training split",
		ArgsUsage: "[ID|best]",
		Description: "Loads the experiment's data set and evaluates the individual's trained weights (batch norm\n" +
			"with its running statistics). The default individual is `best`, the fittest alive one;\n" +
			"the default split is test, which evolution never sees. On the validation split the\n" +
			"accuracy equals the recorded fitness when the experiment evaluates the whole split\n" +
			"(max_eval_examples 0).",
		Flags:  flagsOf("eval"),
		Action: runEval,
	}
}

func runEval(c *cli.Context) error {
	split := c.String("split")
	if err := models.CheckSplit(split); err != nil {
		return err
	}
	e, err := openExperiment(c)
	if err != nil {
		return err
	}
	defer e.Close()
	in, err := individualArg(c, e, "best")
	if err != nil {
		return err
	}
	r, err := models.Eval(c.Context, e, in, split, func() (*data.Dataset, error) {
		return loadData(c.Context, c, e.Cfg.Dataset, c.App.ErrWriter)
	})
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return printJSON(c, r)
	}
	fmt.Fprintf(c.App.Writer, "%s  %s %s accuracy %.4f (%d of %d examples); recorded validation fitness %.4f\n",
		r.ID, r.Dataset, r.Split, r.Accuracy, r.Correct, r.Examples, r.Fitness)
	return nil
}
