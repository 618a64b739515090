package runner

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"evo/cmd/evo/internal/experiment"
	"evo/cmd/evo/internal/settings"
	"evo/population"
	"evo/storage"
)

func newExperiment(t *testing.T, maxIndividuals int) *experiment.Experiment {
	t.Helper()
	cfg, err := settings.Preset("digits")
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxIndividuals = maxIndividuals
	dir := filepath.Join(t.TempDir(), "exp")
	root, err := experiment.Init(dir, &cfg, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	root.Close()
	e, err := experiment.Open(dir, storage.Options{}, "not an experiment")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func TestPreflightAndWhyStopped(t *testing.T) {
	e := newExperiment(t, 50)
	budgets, blocked, err := Preflight(e)
	if err != nil || blocked != "" || !strings.Contains(budgets, "50") {
		t.Errorf("fresh experiment: budgets %q, blocked %q, %v; want the budget of 50 and no block", budgets, blocked, err)
	}
	start := time.Now()
	if why := WhyStopped(context.Background(), e, start); !strings.Contains(why, "before a budget was reached") || !strings.Contains(why, e.Root.LogDir()) {
		t.Errorf("no budget reached: %q", why)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if why := WhyStopped(ctx, e, start); !strings.Contains(why, "interrupted; resume with `evo run --dir "+e.Root.Dir()) {
		t.Errorf("interrupted: %q", why)
	}
	if _, err := population.SetControl(e.Store, time.Now(), func(c *population.Control) { c.Stop = true }); err != nil {
		t.Fatal(err)
	}
	if _, blocked, err := Preflight(e); err != nil || !strings.HasPrefix(blocked, "not started: ") {
		t.Errorf("with a stop in force: blocked %q, %v", blocked, err)
	}
	if why := WhyStopped(context.Background(), e, start); why == "" || strings.Contains(why, "before a budget") {
		t.Errorf("with a stop in force: %q", why)
	}
}

func TestRunRefusesNoWorkers(t *testing.T) {
	e := newExperiment(t, 0)
	if err := Run(context.Background(), e, Options{Workers: 0}); err == nil || !strings.Contains(err.Error(), "--workers 0") {
		t.Errorf("Run with no workers: %v", err)
	}
}

func TestRepeat(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	passes, failures := 0, 0
	Repeat(ctx, time.Millisecond, func() error {
		passes++
		if passes == 3 {
			cancel()
			return errors.New("after the end") // not reported: ctx ended
		}
		return errors.New("a failed pass")
	}, func(err error) { failures++ })
	if passes != 3 || failures != 2 {
		t.Errorf("Repeat: %d passes, %d failures reported; want 3 and 2", passes, failures)
	}
}

func TestRefresh(t *testing.T) {
	wake := make(chan struct{}, 3)
	wake <- struct{}{}
	wake <- struct{}{}
	close(wake)
	shows := 0
	if err := Refresh(context.Background(), wake, time.Millisecond, func() error { shows++; return nil }); err != nil || shows != 3 {
		t.Errorf("Refresh over two changes: %d shows, %v; want 3 (the first and one per change)", shows, err)
	}
	boom := errors.New("boom")
	if err := Refresh(context.Background(), make(chan struct{}), time.Millisecond, func() error { return boom }); !errors.Is(err, boom) {
		t.Errorf("Refresh with a failing show: %v", err)
	}
}
