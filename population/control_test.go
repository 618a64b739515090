package population

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestControlRoundTrip(t *testing.T) {
	s := FromStorage(newRoot(t))
	c, err := ReadControl(s)
	if err != nil || c != (Control{}) {
		t.Fatalf("fresh experiment: control %+v, %v; want zero", c, err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := SetControl(s, at, func(c *Control) { c.MutationsPerChild = 5 }); err != nil {
		t.Fatal(err)
	}
	if _, err := SetControl(s, at.Add(time.Second), func(c *Control) { c.ResetEpoch++; c.ResetAt = at }); err != nil {
		t.Fatal(err)
	}
	c, err = ReadControl(s)
	if err != nil {
		t.Fatal(err)
	}
	want := Control{MutationsPerChild: 5, ResetAt: at, Updated: at.Add(time.Second)}
	if !c.ResetAt.Equal(want.ResetAt) || c.ResetEpoch != 1 || c.MutationsPerChild != 5 || !c.Updated.Equal(want.Updated) || c.Stop {
		t.Errorf("control %+v, want %+v", c, want)
	}
	if _, err := SetControl(s, at, func(c *Control) { c.MutationsPerChild = -1 }); !errors.Is(err, ErrControl) {
		t.Errorf("negative mutations: %v, want ErrControl", err)
	}
	if _, err := SetControl(s, at, func(c *Control) { c.ResetEpoch = -1 }); !errors.Is(err, ErrControl) {
		t.Errorf("negative reset epoch: %v, want ErrControl", err)
	}
}

func TestControlDamaged(t *testing.T) {
	s := FromStorage(newRoot(t))
	if err := s.WriteControl([]byte(`{"mutations_per_child": "five"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadControl(s); !errors.Is(err, ErrControl) {
		t.Fatalf("damaged control: %v, want ErrControl", err)
	}
	c, err := SetControl(s, time.Now(), func(c *Control) { c.Stop = true })
	if err != nil || !c.Stop {
		t.Fatalf("SetControl over a damaged file: %+v, %v", c, err)
	}
	if c, err := ReadControl(s); err != nil || !c.Stop {
		t.Errorf("after repair: %+v, %v", c, err)
	}
}

// TestLiveControls changes the mutation count and resets the weights on a running experiment
// and checks that the children show it.
func TestLiveControls(t *testing.T) {
	const workers = 3
	cfg := testConfig(12)
	cfg.MaxIndividuals = 160
	root := newRoot(t)
	pr := newProbe(FromStorage(root), cfg.PopulationSize-workers)
	tr := newFakeTrainer()
	var (
		mu               sync.Mutex
		mutAt, resetAt   time.Time
		mutSet, resetSet bool
	)
	tr.onTrain = func(n int) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case n == 60 && !mutSet:
			if _, err := SetControl(pr, time.Now(), func(c *Control) { c.MutationsPerChild = 5 }); err != nil {
				t.Error(err)
			}
			// After the write: a step that began between Updated and the write read the old file.
			mutAt, mutSet = time.Now().UTC(), true
		case n == 110 && !resetSet:
			if _, err := SetControl(pr, time.Now(), func(c *Control) { c.ResetEpoch++; c.ResetAt = time.Now().UTC() }); err != nil {
				t.Error(err)
			}
			resetAt, resetSet = time.Now().UTC(), true
		}
	}
	runClean(t, pr, tr, cfg, workers)
	b, _ := checkRun(t, pr, cfg, workers)
	after, five, resets := 0, 0, 0
	for _, m := range sortedByStart(b) {
		if m.Parent == "" {
			continue
		}
		n := m.MutationCount()
		pm := b[m.Parent]
		if m.Reset {
			// The retraining of a stale individual: same architecture, fresh weights.
			resets++
			if n != 0 || m.Mutations[0].Name != "reset-weights" {
				t.Errorf("%s is a retraining but has mutations %+v", m.ID, m.Mutations)
			}
			if m.Epoch != 1 || pm.Epoch != 0 {
				t.Errorf("%s is a retraining of epoch %d from a parent of epoch %d, want 1 from 0", m.ID, m.Epoch, pm.Epoch)
			}
			if job, _ := tr.job(m.Seed); !job.ParentNil {
				t.Errorf("%s is a retraining but was trained from its parent's weights", m.ID)
			}
			continue
		}
		if n != 1 && n != 5 {
			t.Errorf("%s has %d mutations, want 1 or 5", m.ID, n)
		}
		if m.Started.After(mutAt) {
			after++
			if n != 5 {
				t.Errorf("%s started after the control with %d mutations, want 5", m.ID, n)
			}
		}
		if n == 5 {
			five++
		}
		if m.Started.After(resetAt) && m.Epoch != 1 {
			t.Errorf("%s started after the reset with epoch %d, want 1", m.ID, m.Epoch)
		}
		if m.Epoch == 1 && pm.Epoch != 1 {
			t.Errorf("%s of epoch 1 inherited from %s of epoch %d", m.ID, pm.ID, pm.Epoch)
		}
	}
	if after == 0 || five < after || five > after+workers {
		t.Errorf("%d children with 5 mutations, %d started after the control (at most %d started just before it may see it)",
			five, after, workers)
	}
	if resets == 0 {
		t.Error("no individual was retrained after the reset")
	}
}

// TestStopControl stops workers whose children never finish training.
func TestStopControl(t *testing.T) {
	cfg := testConfig(4)
	s := FromStorage(newRoot(t))
	tr := newFakeTrainer()
	tr.block = true
	started := make(chan struct{}, 8)
	tr.onTrain = func(int) { started <- struct{}{} }
	done := make(chan []error)
	go func() { done <- runWorkers(context.Background(), t, s, tr, cfg, 2) }()
	<-started
	<-started
	if _, err := SetControl(s, time.Now(), func(c *Control) { c.Stop = true }); err != nil {
		t.Fatal(err)
	}
	for i, err := range <-done {
		if err != nil {
			t.Errorf("worker %d: %v, want a clean stop", i, err)
		}
	}
	rep, err := Status(s, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, ws := range rep.WorkerStatus {
		if ws.State != StateStopped || ws.StopReason != StopControl {
			t.Errorf("worker %s: state %q reason %q, want stopped by control", ws.Worker, ws.State, ws.StopReason)
		}
	}
	if rep.Workers != 0 || rep.Trained != 0 {
		t.Errorf("after stop: %d workers alive, %d trained; want 0, 0", rep.Workers, rep.Trained)
	}
}
