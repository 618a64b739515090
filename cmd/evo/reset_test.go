package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"evo/population"
)

// TestResetWeightsLive resets a live digits run with `evo control --reset-weights` and checks
// the population reset with the real trainer: afterwards every alive individual has post-reset
// weights, each retraining kept its parent's architecture and inherited no tensor, and the
// lineage still replays.
func TestResetWeightsLive(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 40 digits individuals; run without -short")
	}
	tmp := t.TempDir()
	dir, data := filepath.Join(tmp, "exp"), filepath.Join(tmp, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "init", "--dir", dir, "--population", "5", "--steps", "100", "--max-individuals", "40", "--seed", "3")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	done := make(chan error, 1)
	var errb bytes.Buffer
	go func() {
		done <- newApp(io.Discard, &errb).RunContext(ctx, []string{"evo", "worker", "--dir", dir, "--data", data,
			"--download=false", "--name", "w", "--log-level", "warn", "--threads", "1"})
	}()
	// Reset once the population has been full for a while.
	for {
		e := openTestExperiment(t, dir)
		st, err := population.Status(e.Store, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if st.Trained >= 8 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the worker ended before the reset: %v\n%s", err, errb.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	mustRun(t, "control", "--dir", dir, "--reset-weights")
	if err := <-done; err != nil {
		t.Fatalf("evo worker: %v\n%s", err, errb.String())
	}
	e := openTestExperiment(t, dir)
	alive, _, err := population.Individuals(e.Store)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range alive {
		if m := in.Meta; in.Alive && m.Epoch != 1 {
			t.Errorf("alive %s has weights of epoch %d after the reset", m.ID, m.Epoch)
		}
	}
	byID := map[string]*population.Meta{}
	if _, err := population.ReadEvents(e.Store, func(ev population.Event) error {
		if ev.Event == population.EventBirth {
			byID[ev.Meta.ID] = ev.Meta
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	retrains := 0
	for _, m := range byID {
		if !m.Reset {
			continue
		}
		retrains++
		p := byID[m.Parent]
		if p == nil {
			t.Fatalf("retraining %s: parent %s has no birth", m.ID, m.Parent)
		}
		if p.Epoch != 0 || m.Epoch != 1 || p.ArchHash != m.ArchHash || m.Inherited != 0 || m.InheritedFraction != 0 {
			t.Errorf("retraining %s of %s: epochs %d→%d, architecture kept %v, %d tensors inherited",
				m.ID, m.Parent, p.Epoch, m.Epoch, p.ArchHash == m.ArchHash, m.Inherited)
		}
	}
	if retrains < 4 {
		t.Errorf("%d retrainings after the reset of a population of 5", retrains)
	}
	mustRun(t, "lineage", "--dir", dir, "best")
}
