package main

import (
	"math"
	"strings"
	"testing"

	"evo/cmd/evo/internal/models"
)

func testEval(t *testing.T, fx *fixture) {
	var best listRow
	var top []listRow
	runJSON(t, &top, "list", "--dir", fx.dir, "--limit", "1", "--json")
	best = top[0]

	// The trainer evaluates the whole validation split (max_eval_examples 0), so eval on val
	// reproduces the recorded fitness.
	var val models.EvalReport
	runJSON(t, &val, "eval", "--dir", fx.dir, "--data", fx.data, "--split", "val", "--json", "best")
	if val.ID != best.ID || val.Split != "val" || val.Examples != 270 || val.Dataset != "digits" {
		t.Errorf("eval val: %+v", val)
	}
	if math.Abs(val.Accuracy-best.Fitness) > 1e-9 || val.Fitness != best.Fitness {
		t.Errorf("eval --split val: accuracy %v, recorded fitness %v", val.Accuracy, best.Fitness)
	}

	// Default: the best individual on the test split.
	var test models.EvalReport
	runJSON(t, &test, "eval", "--dir", fx.dir, "--data", fx.data, "--json")
	if test.ID != best.ID || test.Split != "test" || test.Examples != 270 {
		t.Errorf("eval default: %+v", test)
	}
	if test.Accuracy < 0 || test.Accuracy > 1 || math.Abs(test.Accuracy-float64(test.Correct)/float64(test.Examples)) > 1e-12 {
		t.Errorf("eval test: accuracy %v, %d of %d correct", test.Accuracy, test.Correct, test.Examples)
	}

	text := mustRun(t, "eval", "--dir", fx.dir, "--data", fx.data, "--split", "train", best.ID)
	if !strings.Contains(text, best.ID) || !strings.Contains(text, "train accuracy") || !strings.Contains(text, "1257 examples") {
		t.Errorf("eval --split train: %q", text)
	}
	wantErr(t, []string{`--split "validation"`, "test, val or train"}, "eval", "--dir", fx.dir, "--split", "validation")
}
