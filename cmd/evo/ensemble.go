package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"evo/train"
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

// ensembleMember is one voter.
type ensembleMember struct {
	Rank     int     `json:"rank"`
	ID       string  `json:"id"`
	Fitness  float64 `json:"fitness"`
	Accuracy float64 `json:"accuracy"`
}

// ensembleReport is `evo ensemble --json`.
type ensembleReport struct {
	Dataset  string           `json:"dataset"`
	Split    string           `json:"split"`
	Examples int              `json:"examples"`
	Top      int              `json:"top"`
	Members  []ensembleMember `json:"members"`
	Accuracy float64          `json:"accuracy"`
	// BestSingle is the accuracy of the top member (the fittest by validation accuracy).
	BestSingle float64 `json:"best_single"`
}

func runEnsemble(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	split := c.String("split")
	if err := checkSplit(split); err != nil {
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
	s := splitOf(d, split)
	labels := s.Labels()
	r := ensembleReport{Dataset: d.Name, Split: split, Examples: s.Len(), Top: len(top)}
	preds := make([][]int, len(top))
	for i, in := range top {
		g, err := e.LoadGenome(in.Meta.ID)
		if err != nil {
			return err
		}
		ck, err := e.LoadWeights(in.Meta.ID)
		if err != nil {
			return err
		}
		acc, pred, err := train.Evaluate(c.Context, g, ck, d, s, 0)
		if err != nil {
			return fmt.Errorf("evaluate %s on the %s split: %w", in.Meta.ID, split, err)
		}
		preds[i] = pred
		r.Members = append(r.Members, ensembleMember{Rank: i + 1, ID: in.Meta.ID, Fitness: in.Meta.Fitness, Accuracy: acc})
	}
	vote := train.MajorityVote(preds, d.Classes)
	r.Accuracy = float64(train.Correct(vote, labels)) / float64(len(labels))
	r.BestSingle = r.Members[0].Accuracy
	if c.Bool("json") {
		return printJSON(c, r)
	}
	return printEnsemble(c.App.Writer, r)
}

func printEnsemble(w io.Writer, r ensembleReport) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "RANK\tID\tVALIDATION\t%s\n", strings.ToUpper(r.Split))
	for _, m := range r.Members {
		fmt.Fprintf(tw, "%d\t%s\t%.4f\t%.4f\n", m.Rank, m.ID, m.Fitness, m.Accuracy)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "ensemble of %d on %s %s (%d examples): %.4f; best single (rank 1): %.4f (%+.2f points)\n",
		r.Top, r.Dataset, r.Split, r.Examples, r.Accuracy, r.BestSingle, 100*(r.Accuracy-r.BestSingle))
	return nil
}
