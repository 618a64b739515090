package storage

import (
	"context"
	"testing"

	"github.com/gofrs/flock"
)

// TestLivenessOfNamedWorker: a worker with a name of the user's choosing (a Slurm task, an
// `evo run` slot) is judged by the lock domain recorded in its lock file, so the staging of such
// a worker that died in this lock domain is reclaimed at once rather than after StaleStaging.
func TestLivenessOfNamedWorker(t *testing.T) {
	r := newTestRoot(t, nil)
	const w = "slurm-1234-7-node03"
	if _, err := r.Register(w); err != nil {
		t.Fatal(err)
	}
	s, err := r.Stage(w)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteFile("a", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if got := r.Liveness(w, DefaultStaleStaging).Verdict; got != Alive {
		t.Fatalf("registered worker: liveness %v, want alive", got)
	}
	gcAll(t, r)
	if st := dirNames(t, r, dirStaging); len(st) != 1 {
		t.Fatalf("GC removed a live named worker's stage: %v", st)
	}
	// A crash: the process is gone, so its flock is released but the lock file stays.
	fl, _ := r.held.Load(w)
	if err := fl.(*flock.Flock).Unlock(); err != nil {
		t.Fatal(err)
	}
	if got := r.Liveness(w, DefaultStaleStaging).Verdict; got != Dead {
		t.Fatalf("crashed worker: liveness %v, want dead", got)
	}
	// Default staleness (hours): only certain death on this host removes a fresh stage.
	plan, err := r.PlanGC(context.Background(), GCOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.ExecuteGC(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	if st := dirNames(t, r, dirStaging); len(st) != 0 {
		t.Errorf("GC kept a dead named worker's stage: %v", st)
	}
	if got := r.Liveness("never-registered", DefaultStaleStaging).Verdict; got != Unknown {
		t.Errorf("unknown worker: liveness %v, want unknown", got)
	}
}
