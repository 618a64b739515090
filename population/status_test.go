package population

import (
	"testing"
	"time"
)

func TestRemaining(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	rep := StatusReport{Started: now.Add(-time.Hour), Trained: 100, PerMinute: 2, FLOPsTotal: 1e12, FLOPsPerMinute: 1e10}
	tests := []struct {
		name string
		cfg  Config
		want time.Duration
		ok   bool
	}{
		{"no budget", Config{}, 0, false},
		{"wall", Config{MaxWall: 90 * time.Minute, WallStart: now.Add(-time.Hour)}, 30 * time.Minute, true},
		{"wall without a start of this invocation", Config{MaxWall: 90 * time.Minute}, 0, false},
		{"individuals", Config{MaxIndividuals: 160}, 30 * time.Minute, true},
		{"flops", Config{MaxFLOPs: 1.1e12}, 10 * time.Minute, true},
		{"first of several", Config{MaxWall: 90 * time.Minute, WallStart: now.Add(-time.Hour), MaxIndividuals: 120}, 10 * time.Minute, true},
		{"past", Config{MaxWall: 30 * time.Minute, WallStart: now.Add(-time.Hour)}, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := rep.Remaining(tc.cfg, now)
			if ok != tc.ok || (got-tc.want).Abs() > time.Second {
				t.Errorf("Remaining = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestWorkerStatusAlive(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		s    WorkerStatus
		want bool
	}{
		{"fresh", WorkerStatus{State: StateTraining, IntervalSeconds: 10, Time: now.Add(-20 * time.Second)}, true},
		{"stale", WorkerStatus{State: StateTraining, IntervalSeconds: 10, Time: now.Add(-31 * time.Second)}, false},
		{"stopped", WorkerStatus{State: StateStopped, IntervalSeconds: 10, Time: now}, false},
		{"no interval", WorkerStatus{State: StateTraining, Time: now.Add(-29 * time.Second)}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.Alive(now); got != tc.want {
				t.Errorf("Alive = %v, want %v", got, tc.want)
			}
		})
	}
	if _, ok := ParseHeartbeat(Heartbeat{Worker: "w", Data: []byte("garbage")}); ok {
		t.Error("garbage heartbeat parsed")
	}
}
