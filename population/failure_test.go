package population

import (
	"context"
	"errors"
	"math"
	"testing"
)

// TestTrainerFailures mixes trainer errors, refused children and divergences into a run.
func TestTrainerFailures(t *testing.T) {
	const workers = 3
	cfg := testConfig(10)
	cfg.MaxIndividuals = 80
	pr := newProbe(FromStorage(newRoot(t)), cfg.PopulationSize-workers)
	tr := newFakeTrainer()
	tr.fail = func(job Job, n int) (Outcome, error, bool) {
		switch {
		case n%5 == 0:
			return Outcome{}, errors.New("out of memory"), true
		case n%7 == 0:
			return Outcome{Status: "too-large", Reason: "2e9 parameters > cap 1e9", Steps: 0,
				EvalBatchFLOPs: fakeEvalFLOPs, EvalBatches: 1}, nil, true
		case n%11 == 0:
			return Outcome{Fitness: math.NaN(), Status: StatusDiverged, Reason: "loss is NaN at step 3",
				Steps: 3, FinalLoss: math.NaN(), StepFLOPs: fakeStepFLOPs}, nil, true
		}
		return Outcome{}, nil, false
	}
	runClean(t, pr, tr, cfg, workers)
	// A worker whose last child fails at the budget stops owing it: while the others finish,
	// each such place stays empty, so the lower bound drops by up to one per worker.
	b, _ := checkRunSlack(t, pr, cfg, workers, workers+roomSlack(workers))
	h, err := ReadHistorySummary(pr)
	if err != nil {
		t.Fatal(err)
	}
	wantFail := 0
	for n := 1; n <= tr.n; n++ {
		if n%5 == 0 || n%7 == 0 {
			wantFail++
		}
	}
	if h.Failures != wantFail {
		t.Errorf("%d failure events, want %d (of %d jobs)", h.Failures, wantFail, tr.n)
	}
	diverged := 0
	for _, m := range b {
		if m.Status == StatusDiverged {
			diverged++
			if m.Fitness != 0 || m.FinalLoss != nil || m.Reason == "" {
				t.Errorf("diverged %s: fitness %g, final loss %v, reason %q", m.ID, m.Fitness, m.FinalLoss, m.Reason)
			}
		}
	}
	if diverged == 0 {
		t.Error("no diverged child was published")
	}
	var refused float64
	for n := 1; n <= tr.n; n++ {
		if n%7 == 0 && n%5 != 0 {
			refused += fakeEvalFLOPs
		}
	}
	var born float64
	for _, m := range b {
		born += m.FLOPs.Total
	}
	if h.FLOPs != born+refused {
		t.Errorf("FLOPs total %g, want births %g + refused children %g", h.FLOPs, born, refused)
	}
	// A worker that stops at the budget while it owes a child leaves its place empty; the
	// next run regrows it. Failed reproductions themselves must not shrink the population.
	ids, _ := pr.List()
	if len(ids) < cfg.PopulationSize-workers || len(ids) > cfg.PopulationSize {
		t.Errorf("%d alive after the run, want %d to %d", len(ids), cfg.PopulationSize-workers, cfg.PopulationSize)
	}
}

// TestCorruptIndividuals puts unreadable individuals in the population: workers skip them,
// never use them as parents, never fail because of them.
func TestCorruptIndividuals(t *testing.T) {
	const workers = 3
	cfg := testConfig(8)
	cfg.MaxIndividuals = 40
	s := FromStorage(newRoot(t))
	publish := func(genomeJSON, meta string) string {
		st, err := s.Stage("tester")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.WriteFile(GenomeFile, []byte(genomeJSON)); err != nil {
			t.Fatal(err)
		}
		if err := st.WriteFile(WeightsFile, []byte("weights")); err != nil {
			t.Fatal(err)
		}
		if err := st.Publish([]byte(meta)); err != nil {
			t.Fatal(err)
		}
		return st.ID()
	}
	badGenome := publish("this is not a genome", `{"fitness": 0.99, "status": "ok"}`)
	badMeta := publish(`{}`, `{"fitness": "very high"}`)
	runClean(t, s, newFakeTrainer(), cfg, workers)
	b, _ := births(t, s)
	for id, m := range b {
		if m.Parent == badGenome || m.Parent == badMeta {
			t.Errorf("%s was bred from the corrupt individual %s", id, m.Parent)
		}
	}
	ids, _ := s.List()
	if !contains(ids, badGenome) || !contains(ids, badMeta) {
		t.Errorf("a corrupt individual was lost; alive: %v", ids)
	}
	rep, err := Status(s, testNow())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unreadable != 1 {
		t.Errorf("status counts %d unreadable individuals, want 1", rep.Unreadable)
	}
	if rep.Best.ID == badMeta {
		t.Error("the unreadable individual is reported as the best")
	}
}

// TestResumeRegrows kills workers in the middle of training (their victims are dead, their
// children never come) and resumes with new workers: the population grows back to its
// set-point by reproduction, not by injecting initial individuals.
func TestResumeRegrows(t *testing.T) {
	const workers = 3
	cfg := testConfig(10)
	cfg.MaxIndividuals = 40
	s := FromStorage(newRoot(t))
	runClean(t, s, newFakeTrainer(), cfg, workers)
	before, killsBefore := births(t, s)

	crash := newFakeTrainer()
	crash.block = true
	ctx, cancel := context.WithCancel(context.Background())
	crash.onTrain = func(n int) {
		if n == workers {
			cancel()
		}
	}
	cfg.MaxIndividuals = 0
	runWorkers(ctx, t, s, crash, cfg, workers)
	_, kills := births(t, s)
	lost := len(kills) - len(killsBefore)
	ids, _ := s.List()
	if lost == 0 || len(ids) != cfg.PopulationSize-lost {
		t.Fatalf("%d alive after %d workers died holding %d kills, want %d", len(ids), workers, lost, cfg.PopulationSize-lost)
	}

	cfg.MaxIndividuals = len(before) + 30
	runClean(t, s, newFakeTrainer(), cfg, workers)
	after, _ := births(t, s)
	for id, m := range after {
		if before[id] == nil && m.Parent == "" {
			t.Errorf("resumed run injected the initial individual %s", id)
		}
	}
	ids, _ = s.List()
	if len(ids) != cfg.PopulationSize {
		t.Errorf("%d alive after the resumed run, want the set-point %d", len(ids), cfg.PopulationSize)
	}
}
