package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"evo/train"
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

// splitOf returns the split of d named by --split.
func splitOf(d *data.Dataset, name string) *data.Split {
	switch name {
	case "test":
		return d.Test
	case "val":
		return d.Val
	case "train":
		return d.Train
	}
	return nil
}

func checkSplit(name string) error {
	if name != "test" && name != "val" && name != "train" {
		return fmt.Errorf("--split %q: use test, val or train", name)
	}
	return nil
}

// evalReport is `evo eval --json`.
type evalReport struct {
	ID       string  `json:"id"`
	Dataset  string  `json:"dataset"`
	Split    string  `json:"split"`
	Accuracy float64 `json:"accuracy"`
	Correct  int     `json:"correct"`
	Examples int     `json:"examples"`
	// Fitness is the recorded validation accuracy, for comparison.
	Fitness float64 `json:"fitness"`
}

func runEval(c *cli.Context) error {
	split := c.String("split")
	if err := checkSplit(split); err != nil {
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
	g, _, err := e.Genome(in)
	if err != nil {
		return err
	}
	ck, err := e.Weights(in)
	if err != nil {
		return err
	}
	d, err := loadData(c.Context, c, e.Cfg.Dataset, c.App.ErrWriter)
	if err != nil {
		return err
	}
	s := splitOf(d, split)
	acc, pred, err := train.Evaluate(c.Context, g, ck, d, s, 0)
	if err != nil {
		return fmt.Errorf("evaluate %s on the %s split: %w", in.Meta.ID, split, err)
	}
	r := evalReport{ID: in.Meta.ID, Dataset: d.Name, Split: split, Accuracy: acc,
		Correct: train.Correct(pred, s.Labels()), Examples: s.Len(), Fitness: in.Meta.Fitness}
	if c.Bool("json") {
		return printJSON(c, r)
	}
	fmt.Fprintf(c.App.Writer, "%s  %s %s accuracy %.4f (%d of %d examples); recorded validation fitness %.4f\n",
		r.ID, r.Dataset, r.Split, r.Accuracy, r.Correct, r.Examples, r.Fitness)
	return nil
}
