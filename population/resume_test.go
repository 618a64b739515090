package population

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// runOne runs one worker to completion and returns it (for its stop message).
func runOne(t *testing.T, ctx context.Context, s Store, tr Trainer, cfg Config, name string) *Worker {
	t.Helper()
	w, err := NewWorker(s, tr, cfg, name, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Run(ctx); err != nil {
		t.Fatalf("worker %s: %v", name, err)
	}
	return w
}

func trained(t *testing.T, s Reader) int {
	t.Helper()
	h, err := ReadHistorySummary(s)
	if err != nil {
		t.Fatal(err)
	}
	return h.Trained
}

// TestBudgetResumeAndRaise: an individuals budget counts the experiment's total over every
// invocation; a worker started after it was reached stops at once and says so with the numbers;
// raising it in control.json lets the next worker go on to the new total.
func TestBudgetResumeAndRaise(t *testing.T) {
	cfg := testConfig(4)
	cfg.MaxIndividuals = 10
	s := FromStorage(newRoot(t))
	w := runOne(t, context.Background(), s, newFakeTrainer(), cfg, "first")
	if n := trained(t, s); n != 10 {
		t.Fatalf("trained %d, want 10 (one worker stops exactly at the budget)", n)
	}
	want := "10 individuals trained (limit 10); raise it with `evo control --max-individuals 20`"
	if w.StopMessage() != want {
		t.Errorf("stop message %q, want %q", w.StopMessage(), want)
	}
	// Again: the budget is already reached, nothing more is trained.
	tr := newFakeTrainer()
	w = runOne(t, context.Background(), s, tr, cfg, "again")
	if n := trained(t, s); n != 10 || tr.n != 0 {
		t.Errorf("after a second run at the budget: trained %d (want 10), %d trainings (want 0)", n, tr.n)
	}
	if !strings.Contains(w.StopMessage(), "limit 10") {
		t.Errorf("stop message %q", w.StopMessage())
	}
	// Raised in control.json: the next worker goes on to 25.
	if _, err := SetControl(s, time.Now(), func(c *Control) { n := 25; c.MaxIndividuals = &n }); err != nil {
		t.Fatal(err)
	}
	w = runOne(t, context.Background(), s, newFakeTrainer(), cfg, "raised")
	if n := trained(t, s); n != 25 {
		t.Errorf("after raising the budget to 25: trained %d", n)
	}
	if !strings.Contains(w.StopMessage(), "25 individuals trained (limit 25)") {
		t.Errorf("stop message %q", w.StopMessage())
	}
	// 0 in control.json means no limit: a FLOPs budget set there takes over.
	if _, err := SetControl(s, time.Now(), func(c *Control) {
		n, f := 0, float64(30*fakeCost)
		c.MaxIndividuals, c.MaxFLOPs = &n, &f
	}); err != nil {
		t.Fatal(err)
	}
	w = runOne(t, context.Background(), s, newFakeTrainer(), cfg, "flops")
	if n := trained(t, s); n != 30 {
		t.Errorf("with no individuals limit and a FLOPs limit of 30 individuals' cost: trained %d", n)
	}
	if !strings.HasPrefix(w.StopMessage(), "3") || !strings.Contains(w.StopMessage(), "evo control --max-flops") {
		t.Errorf("stop message %q", w.StopMessage())
	}
}

// TestBudgetRaisedLive raises the individuals budget in control.json while the worker runs:
// it goes on to the new limit instead of stopping at the old one.
func TestBudgetRaisedLive(t *testing.T) {
	cfg := testConfig(4)
	cfg.MaxIndividuals = 6
	s := FromStorage(newRoot(t))
	tr := newFakeTrainer()
	tr.onTrain = func(n int) {
		if n == 3 {
			if _, err := SetControl(s, time.Now(), func(c *Control) { m := 15; c.MaxIndividuals = &m }); err != nil {
				t.Error(err)
			}
		}
	}
	w := runOne(t, context.Background(), s, tr, cfg, "live")
	if n := trained(t, s); n != 15 {
		t.Errorf("trained %d, want 15 (the budget raised while the worker ran)", n)
	}
	if !strings.Contains(w.StopMessage(), "limit 15") {
		t.Errorf("stop message %q", w.StopMessage())
	}
}

// TestWallBudgetPerInvocation: the wall budget counts each invocation, so a second run of the
// same worker configuration trains more although the experiment is older than the budget.
func TestWallBudgetPerInvocation(t *testing.T) {
	cfg := testConfig(4)
	cfg.MaxWall = 50 * time.Millisecond
	s := FromStorage(newRoot(t))
	// The trainer's clock is the only time that passes: each training advances it, so the
	// budget ends after a known number of trainings whatever the machine's speed.
	var clock atomic.Int64
	base := time.Now()
	now := func() time.Time { return base.Add(time.Duration(clock.Load())) }
	tr := newFakeTrainer()
	tr.onTrain = func(int) { clock.Add(int64(10 * time.Millisecond)) }
	for run := 1; run <= 2; run++ {
		w, err := NewWorker(s, tr, cfg, "wall", nil, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := trained(t, s); n != 5*run {
			t.Errorf("after run %d: trained %d, want %d (5 trainings of 10ms per 50ms run)", run, n, 5*run)
		}
		if !strings.Contains(w.StopMessage(), "wall budget of 50ms for this run reached") {
			t.Errorf("stop message %q", w.StopMessage())
		}
	}
}

// TestStopReachesTrainingWorkerByEvent: with the periodic control poll an hour away, only the
// fsnotify path can deliver a stop to a worker whose child trains forever.
func TestStopReachesTrainingWorkerByEvent(t *testing.T) {
	cfg := testConfig(4)
	cfg.ControlPoll = time.Hour
	s := FromStorage(newRoot(t))
	tr := newFakeTrainer()
	tr.block = true
	training := make(chan struct{})
	tr.onTrain = func(n int) {
		if n == 1 {
			close(training)
		}
	}
	w, err := NewWorker(s, tr, cfg, "stopme", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(context.Background()) }()
	<-training
	if _, err := SetControl(s, time.Now(), func(c *Control) { c.Stop = true }); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Minute): // hang guard only
		t.Fatal("the stop did not reach the training worker")
	}
	if !strings.Contains(w.StopMessage(), "evo control --resume") {
		t.Errorf("stop message %q", w.StopMessage())
	}
}

func TestControlLimits(t *testing.T) {
	cfg := Config{MaxIndividuals: 5, MaxFLOPs: 7, MaxWall: time.Minute}
	if l := (Control{}).Limits(cfg); l != (Limits{5, 7, time.Minute}) {
		t.Errorf("no override: %+v", l)
	}
	zero, w := 0, Duration(time.Hour)
	if l := (Control{MaxIndividuals: &zero, MaxWall: &w}).Limits(cfg); l != (Limits{0, 7, time.Hour}) {
		t.Errorf("override: %+v", l)
	}
	neg := -1
	if err := (Control{MaxIndividuals: &neg}).Validate(); err == nil {
		t.Error("a negative budget was accepted")
	}
}
