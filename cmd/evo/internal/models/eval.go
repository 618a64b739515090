package models

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"evo/cmd/evo/internal/experiment"
	"evo/population"
	"evo/train"
	"evo/train/data"
)

// CheckSplit refuses a --split other than test, val or train.
func CheckSplit(name string) error {
	if name != "test" && name != "val" && name != "train" {
		return fmt.Errorf("--split %q: use test, val or train", name)
	}
	return nil
}

// SplitOf returns the split of d named name (test, val or train; nil for another name).
func SplitOf(d *data.Dataset, name string) *data.Split {
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

// EvalReport is `evo eval --json`.
type EvalReport struct {
	ID       string  `json:"id"`
	Dataset  string  `json:"dataset"`
	Split    string  `json:"split"`
	Accuracy float64 `json:"accuracy"`
	Correct  int     `json:"correct"`
	Examples int     `json:"examples"`
	// Fitness is the recorded validation accuracy, for comparison.
	Fitness float64 `json:"fitness"`
}

// Eval measures the accuracy of in (alive, or dead while its grave keeps its weights) on the
// split of the data set load returns. load is called once the genome and weights are read, so
// an individual without weights fails before a data set is loaded (or downloaded).
func Eval(ctx context.Context, e *experiment.Experiment, in population.Individual, split string, load func() (*data.Dataset, error)) (EvalReport, error) {
	if err := CheckSplit(split); err != nil {
		return EvalReport{}, err
	}
	g, _, err := e.Genome(in)
	if err != nil {
		return EvalReport{}, err
	}
	ck, err := e.Weights(in)
	if err != nil {
		return EvalReport{}, err
	}
	d, err := load()
	if err != nil {
		return EvalReport{}, err
	}
	s := SplitOf(d, split)
	acc, pred, err := train.Evaluate(ctx, g, ck, d, s, 0)
	if err != nil {
		return EvalReport{}, fmt.Errorf("evaluate %s on the %s split: %w", in.Meta.ID, split, err)
	}
	return EvalReport{ID: in.Meta.ID, Dataset: d.Name, Split: split, Accuracy: acc,
		Correct: train.Correct(pred, s.Labels()), Examples: s.Len(), Fitness: in.Meta.Fitness}, nil
}

// EnsembleMember is one voter.
type EnsembleMember struct {
	Rank     int     `json:"rank"`
	ID       string  `json:"id"`
	Fitness  float64 `json:"fitness"`
	Accuracy float64 `json:"accuracy"`
}

// EnsembleReport is `evo ensemble --json`.
type EnsembleReport struct {
	Dataset  string           `json:"dataset"`
	Split    string           `json:"split"`
	Examples int              `json:"examples"`
	Top      int              `json:"top"`
	Members  []EnsembleMember `json:"members"`
	Accuracy float64          `json:"accuracy"`
	// BestSingle is the accuracy of the top member (the fittest by validation accuracy).
	BestSingle float64 `json:"best_single"`
}

// Ensemble evaluates the alive individuals top (best first, at least one) on split of d and
// lets them vote on every example; a tie goes to the class of the higher-ranked member.
func Ensemble(ctx context.Context, e *experiment.Experiment, top []population.Individual, d *data.Dataset, split string) (EnsembleReport, error) {
	if err := CheckSplit(split); err != nil {
		return EnsembleReport{}, err
	}
	if len(top) == 0 {
		return EnsembleReport{}, fmt.Errorf("an ensemble needs at least one member")
	}
	s := SplitOf(d, split)
	labels := s.Labels()
	r := EnsembleReport{Dataset: d.Name, Split: split, Examples: s.Len(), Top: len(top)}
	preds := make([][]int, len(top))
	for i, in := range top {
		g, err := e.LoadGenome(in.Meta.ID)
		if err != nil {
			return EnsembleReport{}, err
		}
		ck, err := e.LoadWeights(in.Meta.ID)
		if err != nil {
			return EnsembleReport{}, err
		}
		acc, pred, err := train.Evaluate(ctx, g, ck, d, s, 0)
		if err != nil {
			return EnsembleReport{}, fmt.Errorf("evaluate %s on the %s split: %w", in.Meta.ID, split, err)
		}
		preds[i] = pred
		r.Members = append(r.Members, EnsembleMember{Rank: i + 1, ID: in.Meta.ID, Fitness: in.Meta.Fitness, Accuracy: acc})
	}
	vote := train.MajorityVote(preds, d.Classes)
	r.Accuracy = float64(train.Correct(vote, labels)) / float64(len(labels))
	r.BestSingle = r.Members[0].Accuracy
	return r, nil
}

// PrintEnsemble writes r as a table of the members and a line for the ensemble.
func PrintEnsemble(w io.Writer, r EnsembleReport) error {
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
