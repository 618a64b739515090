package main

import (
	"math"
	"sort"
	"strings"
	"testing"

	"evo/cmd/evo/internal/models"
)

func testEnsemble(t *testing.T, fx *fixture) {
	var one models.EnsembleReport
	runJSON(t, &one, "ensemble", "--dir", fx.dir, "--data", fx.data, "--top", "1", "--split", "val", "--json")
	var best []listRow
	runJSON(t, &best, "list", "--dir", fx.dir, "--limit", "1", "--json")
	if len(one.Members) != 1 || one.Members[0].ID != best[0].ID {
		t.Fatalf("ensemble of 1: %+v, want the best %s", one, best[0].ID)
	}
	if one.Accuracy != one.BestSingle || one.Accuracy != one.Members[0].Accuracy || math.Abs(one.Accuracy-best[0].Fitness) > 1e-9 {
		t.Errorf("ensemble of 1 on val: accuracy %v, best single %v, fitness %v", one.Accuracy, one.BestSingle, best[0].Fitness)
	}

	var three models.EnsembleReport
	runJSON(t, &three, "ensemble", "--dir", fx.dir, "--data", fx.data, "--top", "3", "--json")
	if three.Top != 3 || len(three.Members) != 3 || three.Split != "test" || three.Examples != 270 {
		t.Fatalf("ensemble of 3: %+v", three)
	}
	if !sort.SliceIsSorted(three.Members, func(i, j int) bool { return three.Members[i].Fitness > three.Members[j].Fitness }) {
		t.Errorf("ensemble members are not ranked by validation accuracy: %+v", three.Members)
	}
	for i, m := range three.Members {
		if m.Rank != i+1 || m.Accuracy < 0 || m.Accuracy > 1 {
			t.Errorf("member %+v", m)
		}
	}
	if three.Accuracy < 0 || three.Accuracy > 1 || three.BestSingle != three.Members[0].Accuracy {
		t.Errorf("ensemble accuracy %v, best single %v", three.Accuracy, three.BestSingle)
	}
	text := mustRun(t, "ensemble", "--dir", fx.dir, "--data", fx.data, "--top", "2")
	if !strings.Contains(text, "ensemble of 2") || !strings.Contains(text, "best single") {
		t.Errorf("ensemble text:\n%s", text)
	}

	// More members than alive individuals: all of them, with a note.
	_, errs, err := evoIn(t, "ensemble", "--dir", fx.dir, "--data", fx.data, "--top", "99", "--json")
	if err != nil || !strings.Contains(errs, "only") {
		t.Errorf("ensemble --top 99: %v, stderr %q", err, errs)
	}
	wantErr(t, []string{"--top 0"}, "ensemble", "--dir", fx.dir, "--top", "0")
	wantErr(t, []string{"no trained individual is alive"}, "ensemble", "--dir", fx.empty)
}
