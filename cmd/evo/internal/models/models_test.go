package models

import (
	"context"
	"strings"
	"testing"

	"evo/population"
	"evo/train/data"
)

func TestSplits(t *testing.T) {
	d := &data.Dataset{Train: &data.Split{}, Val: &data.Split{}, Test: &data.Split{}}
	for name, want := range map[string]*data.Split{"test": d.Test, "val": d.Val, "train": d.Train, "other": nil} {
		if got := SplitOf(d, name); got != want {
			t.Errorf("SplitOf(%q) is not the %s split", name, name)
		}
		if err := CheckSplit(name); (err == nil) != (want != nil) {
			t.Errorf("CheckSplit(%q): %v", name, err)
		}
	}
	if _, err := Ensemble(context.Background(), nil, nil, d, "test"); err == nil || !strings.Contains(err.Error(), "at least one member") {
		t.Errorf("Ensemble of no members: %v", err)
	}
	if _, err := Eval(context.Background(), nil, population.Individual{}, "dev", func() (*data.Dataset, error) { return d, nil }); err == nil || !strings.Contains(err.Error(), "--split \"dev\"") {
		t.Errorf("Eval on an unknown split: %v", err)
	}
}

func TestTrainerRefusesABadParent(t *testing.T) {
	tr := &Trainer{}
	_, err := tr.Train(context.Background(), population.Job{Parent: []byte("not a checkpoint")})
	if err == nil || !strings.Contains(err.Error(), "parent checkpoint") {
		t.Errorf("Train from a corrupt parent checkpoint: %v", err)
	}
}

func TestPrintEnsemble(t *testing.T) {
	var b strings.Builder
	r := EnsembleReport{Dataset: "digits", Split: "test", Examples: 100, Top: 2, Accuracy: 0.9, BestSingle: 0.85,
		Members: []EnsembleMember{{Rank: 1, ID: "a", Fitness: 0.8, Accuracy: 0.85}, {Rank: 2, ID: "b", Fitness: 0.7, Accuracy: 0.8}}}
	if err := PrintEnsemble(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"RANK", "TEST", "0.8500", "ensemble of 2 on digits test (100 examples): 0.9000", "+5.00 points"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("PrintEnsemble lacks %q:\n%s", want, b.String())
		}
	}
}
