package population

import (
	"testing"
	"time"
)

func TestControlChange(t *testing.T) {
	if !(ControlChange{}).Empty() {
		t.Error("the zero ControlChange is not Empty")
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	n, f, w, m := 7, 2e15, Duration(time.Hour), 3
	c := Control{Stop: true, ResetEpoch: 1}
	ch := ControlChange{MutationsPerChild: &m, ResetWeights: true, Resume: true, MaxIndividuals: &n, MaxFLOPs: &f, MaxWall: &w}
	if ch.Empty() {
		t.Fatal("a change with fields set is Empty")
	}
	ch.Apply(&c, at)
	if c.MutationsPerChild != 3 || c.ResetEpoch != 2 || !c.ResetAt.Equal(at) || c.ResetAt.Location() != time.UTC || c.Stop {
		t.Errorf("after the change: %+v", c)
	}
	if *c.MaxIndividuals != 7 || *c.MaxFLOPs != 2e15 || *c.MaxWall != w {
		t.Errorf("budgets after the change: %v %v %v", *c.MaxIndividuals, *c.MaxFLOPs, *c.MaxWall)
	}
	// Budgets from the experiment drop control.json's budgets, but the ones given beside it win.
	ControlChange{BudgetsFromExperiment: true, MaxFLOPs: &f, Stop: true}.Apply(&c, at)
	if c.MaxIndividuals != nil || c.MaxWall != nil || c.MaxFLOPs == nil || !c.Stop || c.ResetEpoch != 2 || c.MutationsPerChild != 3 {
		t.Errorf("after budgets from the experiment: %+v", c)
	}
}
