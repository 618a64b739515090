package population

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestStopConditions(t *testing.T) {
	const workers = 3
	tests := []struct {
		name   string
		set    func(*Config)
		reason string
		check  func(t *testing.T, h History)
	}{
		{"max-individuals", func(c *Config) { c.MaxIndividuals = 40 }, StopMaxIndividuals, func(t *testing.T, h History) {
			if h.Trained < 40 || h.Trained > 40+workers {
				t.Errorf("trained %d, want 40 to %d", h.Trained, 40+workers)
			}
		}},
		{"max-flops", func(c *Config) { c.MaxFLOPs = 30 * fakeCost }, StopMaxFLOPs, func(t *testing.T, h History) {
			if h.FLOPs < 30*fakeCost || h.FLOPs > (30+workers)*fakeCost {
				t.Errorf("FLOPs %g, want %d to %d", h.FLOPs, 30*fakeCost, (30+workers)*fakeCost)
			}
			if h.FLOPs != float64(h.Trained*fakeCost) {
				t.Errorf("FLOPs %g for %d individuals of %d each", h.FLOPs, h.Trained, fakeCost)
			}
		}},
		{"max-wall", func(c *Config) { c.MaxWall = 300 * time.Millisecond }, StopMaxWall, func(t *testing.T, h History) {}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(10)
			tc.set(&cfg)
			s := FromStorage(newRoot(t))
			runClean(t, s, newFakeTrainer(), cfg, workers)
			h, err := ReadHistorySummary(s)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, h)
			stops := 0
			if _, err := ReadEvents(s, func(e Event) error {
				if e.Event == EventStop {
					stops++
					if e.Reason != tc.reason {
						t.Errorf("worker %s stopped for %q, want %q", e.Worker, e.Reason, tc.reason)
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if stops != workers {
				t.Errorf("%d stop events, want %d", stops, workers)
			}
		})
	}
}

// TestMaxWallAbandons stops a child that trains forever when the wall-time budget ends.
func TestMaxWallAbandons(t *testing.T) {
	cfg := testConfig(4)
	cfg.MaxWall = 100 * time.Millisecond
	tr := newFakeTrainer()
	tr.block = true
	s := FromStorage(newRoot(t))
	for _, err := range runWorkers(context.Background(), t, s, tr, cfg, 2) {
		if err != nil {
			t.Fatalf("worker: %v, want a clean stop", err)
		}
	}
}

func TestCancel(t *testing.T) {
	cfg := testConfig(4)
	tr := newFakeTrainer()
	tr.block = true
	ctx, cancel := context.WithCancel(context.Background())
	tr.onTrain = func(int) { cancel() }
	s := FromStorage(newRoot(t))
	for _, err := range runWorkers(ctx, t, s, tr, cfg, 1) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled worker returned %v, want context.Canceled", err)
		}
	}
}
