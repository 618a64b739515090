package population

import (
	"encoding/json"
	"testing"
	"time"

	"evo/storage"
)

// TestClaimsFollowLivenessRule: another worker's debt counts while its heartbeat changes, even
// when its writer's clock is 5 minutes behind or ahead (its heartbeat times look old or from the
// future); it stops counting only after this worker has watched the heartbeat unchanged for
// more than heartbeatStaleFactor intervals on its own clock, or at once when it says it stopped.
func TestClaimsFollowLivenessRule(t *testing.T) {
	for _, skew := range []time.Duration{-5 * time.Minute, 5 * time.Minute} {
		t.Run(skew.String(), func(t *testing.T) {
			dir := testDir(t)
			base := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
			now := base
			clock := func() time.Time { return now }
			mine, err := storage.Init(dir, []byte(`{"test":true}`), storage.Options{Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := storage.Open(dir, storage.Options{Now: clock, ClockOffset: skew})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { mine.Close(); theirs.Close() })
			w, err := NewWorker(FromStorage(mine), newFakeTrainer(), testConfig(4), "me", nil, clock)
			if err != nil {
				t.Fatal(err)
			}
			other := WorkerStatus{Worker: "other", State: StateTraining, Debt: true, IntervalSeconds: 1}
			beat := func() {
				other.Births++
				b, _ := json.Marshal(other)
				if err := theirs.Heartbeat("other", b); err != nil {
					t.Fatal(err)
				}
			}
			for i := 0; i < 10; i++ { // a live worker beating every second
				beat()
				if n := w.othersDebts(); n != 1 {
					t.Fatalf("second %d: %d debts counted, want the live worker's 1", i, n)
				}
				now = now.Add(time.Second)
			}
			// It freezes (SIGSTOP, or dead): still counted within three intervals...
			now = now.Add(2 * time.Second)
			if n := w.othersDebts(); n != 1 {
				t.Fatalf("frozen 3s: %d debts, want 1", n)
			}
			// ...and no longer after.
			now = now.Add(2 * time.Second)
			if n := w.othersDebts(); n != 0 {
				t.Fatalf("frozen 5s: %d debts, want 0", n)
			}
			// It wakes up: counted again at its next beat.
			beat()
			if n := w.othersDebts(); n != 1 {
				t.Fatalf("woke up: %d debts, want 1", n)
			}
			// A stopped worker's claims never count.
			other.State = StateStopped
			beat()
			if n := w.othersDebts(); n != 0 {
				t.Fatalf("stopped: %d debts, want 0", n)
			}
		})
	}
}
