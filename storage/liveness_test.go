package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gofrs/flock"
)

// writeLockRecord writes the lock file Register would write for worker in domain d, without
// holding the lock (a crashed worker's lock file).
func writeLockRecord(t *testing.T, r *Root, worker string, pid int, d lockDomain) {
	t.Helper()
	b, err := json.Marshal(lockRecord{Host: "h", PID: pid, Boot: d.Boot, Dev: d.Dev, PIDNS: d.PIDNS})
	if err != nil {
		t.Fatal(err)
	}
	write(t, r.path(dirLocks, worker+".lock"), string(b))
}

// otherHost opens the experiment of r as a process of another host would: its own lock domain
// (another boot id), its own clock with the given offset from clock.
func otherHost(t *testing.T, r *Root, clock *testClock, offset time.Duration) *Root {
	t.Helper()
	d := r.domain()
	d.Boot = "other-host-boot-id"
	o, err := Open(r.Dir(), Options{Now: clock.Now, ClockOffset: offset, domain: &d})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	return o
}

// crashLock drops worker's flock held by r without removing its lock file: to any other
// process the lock now looks free, as after a crash (or from another mount).
func crashLock(t *testing.T, r *Root, worker string) {
	t.Helper()
	fl, ok := r.held.Load(worker)
	if !ok {
		t.Fatalf("%s is not registered", worker)
	}
	if err := fl.(*flock.Flock).Unlock(); err != nil {
		t.Fatal(err)
	}
	r.held.Delete(worker)
}

// stageOf writes a half-written child of worker and returns the staging entry's name.
func stageOf(t *testing.T, r *Root, worker string) string {
	t.Helper()
	s, err := r.Stage(worker)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteFile("checkpoint", []byte("half")); err != nil {
		t.Fatal(err)
	}
	return worker + "." + s.ID()
}

func planGC(t *testing.T, r *Root, o GCOptions) GCResult {
	t.Helper()
	plan, err := r.PlanGC(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.ExecuteGC(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func exists(r *Root, rel string) bool {
	_, err := os.Lstat(r.path(rel))
	return err == nil
}

// TestLivenessLiveWorkerOtherDomain: a worker on another "host" (another lock domain) whose
// flock looks free from the observer's side, with clocks skewed by ±5 minutes, is never judged
// dead while its heartbeat changes, however long the observer watches; once it stops beating
// it is dead after the bound, and only then is its stage reclaimed.
func TestLivenessLiveWorkerOtherDomain(t *testing.T) {
	for _, skew := range []time.Duration{-5 * time.Minute, 5 * time.Minute} {
		t.Run(fmt.Sprint(skew), func(t *testing.T) {
			wclock, oclock := newTestClock(), newTestClock()
			worker := newTestRoot(t, wclock)
			obs := otherHost(t, worker, oclock, skew)
			const w = "node1-worker"
			if _, err := worker.Register(w); err != nil {
				t.Fatal(err)
			}
			crashLock(t, worker, w) // free-looking flock, as through a second mount
			stage := filepath.Join(dirStaging, stageOf(t, worker, w))
			const bound = time.Minute
			for i := 0; i < 20; i++ { // 20 minutes of the observer watching a live worker
				oclock.Advance(time.Minute)
				wclock.Advance(10 * time.Second) // the worker's clock runs slow: irrelevant
				if err := worker.Heartbeat(w, []byte(fmt.Sprintf(`{"beat":%d}`, i))); err != nil {
					t.Fatal(err)
				}
				if l := obs.Liveness(w, bound); l.Verdict == Dead {
					t.Fatalf("beat %d: live worker judged dead: %s", i, l.Reason)
				}
				planGC(t, obs, GCOptions{StaleStaging: bound})
				if !exists(obs, stage) || !exists(obs, filepath.Join(dirLocks, w+".lock")) {
					t.Fatalf("beat %d: GC removed a live worker's stage or lock", i)
				}
			}
			// The worker dies: its heartbeat freezes. Within the bound it is not dead...
			oclock.Advance(30 * time.Second)
			if l := obs.Liveness(w, bound); l.Verdict == Dead {
				t.Fatalf("dead before the bound: %s", l.Reason)
			}
			// ...after it, it is, and the collector reclaims its stage and lock.
			oclock.Advance(2 * bound)
			if l := obs.Liveness(w, bound); l.Verdict != Dead {
				t.Fatalf("frozen heartbeat past the bound: %v (%s), want dead", l.Verdict, l.Reason)
			}
			planGC(t, obs, GCOptions{StaleStaging: bound})
			if exists(obs, stage) || exists(obs, filepath.Join(dirLocks, w+".lock")) {
				t.Error("dead worker's stage or lock not reclaimed after the bound")
			}
		})
	}
}

// TestLivenessSameDomainFreshHeartbeat: in the observer's own lock domain a free flock is not
// enough when the heartbeat is seen changing: the evidence disagrees, the answer is unknown.
func TestLivenessSameDomainFreshHeartbeat(t *testing.T) {
	clock := newTestClock()
	r := newTestRoot(t, clock)
	const w = "w1"
	if _, err := r.Register(w); err != nil {
		t.Fatal(err)
	}
	crashLock(t, r, w)
	stage := filepath.Join(dirStaging, stageOf(t, r, w))
	r.Heartbeat(w, []byte(`{"n":1}`))
	r.Liveness(w, time.Minute) // first sight
	clock.Advance(10 * time.Second)
	r.Heartbeat(w, []byte(`{"n":2}`))
	if l := r.Liveness(w, time.Minute); l.Verdict != Unknown {
		t.Fatalf("free lock, changing heartbeat: %v (%s), want unknown", l.Verdict, l.Reason)
	}
	planGC(t, r, GCOptions{StaleStaging: time.Minute})
	if !exists(r, stage) {
		t.Fatal("GC removed the stage of a worker whose heartbeat changes")
	}
	// No change for longer than the bound: the free lock now counts.
	clock.Advance(2 * time.Minute)
	if l := r.Liveness(w, time.Minute); l.Verdict != Dead {
		t.Fatalf("free lock, frozen heartbeat: %v (%s), want dead", l.Verdict, l.Reason)
	}
}

// TestLivenessPausedWorker: a worker stopped (SIGSTOP, a hung NFS server) for less than the
// bound is not dead on another domain; on its own domain its held lock keeps it alive forever.
func TestLivenessPausedWorker(t *testing.T) {
	wclock, oclock := newTestClock(), newTestClock()
	r := newTestRoot(t, wclock)
	other := otherHost(t, r, oclock, 0)
	const w = "paused"
	if _, err := r.Register(w); err != nil {
		t.Fatal(err)
	}
	stage := filepath.Join(dirStaging, stageOf(t, r, w))
	r.Heartbeat(w, []byte(`{"n":1}`))
	const bound = time.Hour
	var paused time.Duration
	for _, at := range []time.Duration{0, 30 * time.Minute, 59 * time.Minute} {
		oclock.Advance(at - paused)
		paused = at
		if l := other.Liveness(w, bound); l.Verdict == Dead {
			t.Fatalf("paused %v < bound %v: judged dead (%s)", at, bound, l.Reason)
		}
	}
	planGC(t, other, GCOptions{StaleStaging: bound})
	if !exists(r, stage) {
		t.Fatal("GC removed a paused worker's stage before the bound")
	}
	// The same domain: the held lock wins over any staleness, even with no grace at all.
	wclock.Advance(100 * bound)
	if l := r.Liveness(w, NoGrace); l.Verdict != Alive {
		t.Fatalf("held lock: %v (%s), want alive", l.Verdict, l.Reason)
	}
	gcAll(t, r)
	if !exists(r, stage) {
		t.Fatal("GC removed the stage of a worker holding its lock")
	}
}

// TestLivenessOtherPIDNamespace: a lock record from the same kernel and mount but another pid
// namespace: the free lock proves death; the pid is not consulted (it names another process).
// In the observer's own pid namespace an existing pid keeps the answer unknown.
func TestLivenessOtherPIDNamespace(t *testing.T) {
	r := newTestRoot(t, nil)
	d := r.domain()
	if d.Boot == "" || d.Dev == 0 {
		t.Skip("no boot id or device number on this system: no lock domain is provably shared")
	}
	other := d
	other.PIDNS = d.PIDNS + 1
	writeLockRecord(t, r, "container-w", os.Getppid(), other)
	if l := r.Liveness("container-w", time.Hour); l.Verdict != Dead {
		t.Errorf("free lock in a shared lock domain, other pid namespace: %v (%s), want dead", l.Verdict, l.Reason)
	}
	writeLockRecord(t, r, "local-w", os.Getppid(), d) // our parent: certainly alive
	if l := r.Liveness("local-w", time.Hour); l.Verdict != Unknown {
		t.Errorf("free lock but the pid exists: %v (%s), want unknown", l.Verdict, l.Reason)
	}
	mount := d
	mount.Dev = d.Dev + 1
	writeLockRecord(t, r, "other-mount-w", deadPID(t), mount)
	if l := r.Liveness("other-mount-w", time.Hour); l.Verdict != Unknown {
		t.Errorf("lock recorded through another mount: %v (%s), want unknown", l.Verdict, l.Reason)
	}
}

// TestLivenessStaleAfterBound: a leftover of a worker that never left a lock record or a
// heartbeat is reclaimed once this observer has watched it unchanged for the bound, whatever
// its mtime says.
func TestLivenessStaleAfterBound(t *testing.T) {
	clock := newTestClock()
	r := newTestRoot(t, clock)
	stage := filepath.Join(dirStaging, stageOf(t, r, "w7"))
	old := time.Now().Add(-100 * DefaultStaleStaging) // an mtime from a far-off clock
	os.Chtimes(r.path(stage), old, old)
	if res := planGC(t, r, GCOptions{}); res.Removed != 0 || !exists(r, stage) {
		t.Fatal("first sight: reclaimed by its mtime")
	}
	clock.Advance(DefaultStaleStaging - time.Minute)
	if planGC(t, r, GCOptions{}); !exists(r, stage) {
		t.Fatal("reclaimed before the bound")
	}
	clock.Advance(2 * time.Minute)
	ps, err := r.Check(context.Background())
	if err != nil || len(ps) != 1 || ps[0].Kind != ProblemLeak {
		t.Fatalf("check after the bound: %v %v, want one leak", ps, err)
	}
	if planGC(t, r, GCOptions{}); exists(r, stage) {
		t.Fatal("not reclaimed after the bound")
	}
}

// TestGCJudgesAgainAtExecution: a plan made while a worker looked dead does not remove its
// stage if the worker shows life before the plan is carried out.
func TestGCJudgesAgainAtExecution(t *testing.T) {
	clock := newTestClock()
	r := newTestRoot(t, clock)
	obs := otherHost(t, r, clock, 0)
	stage := filepath.Join(dirStaging, stageOf(t, r, "w8"))
	r.Heartbeat("w8", []byte(`{"n":1}`))
	obs.Liveness("w8", time.Minute)
	clock.Advance(2 * time.Minute)
	plan, err := obs.PlanGC(context.Background(), GCOptions{StaleStaging: time.Minute})
	if err != nil || len(plan.Items) != 1 {
		t.Fatalf("plan %+v %v, want the stage", plan, err)
	}
	r.Heartbeat("w8", []byte(`{"n":2}`)) // it was only paused
	res, err := obs.ExecuteGC(context.Background(), plan)
	if err != nil || res.Spared != 1 || !exists(r, stage) {
		t.Fatalf("execute: %+v %v; stage kept %v", res, err, exists(r, stage))
	}
}

// TestLivenessUnreadableHeartbeat: a heartbeat that cannot be read (here: heartbeats/ is not a
// directory, so lstat fails with ENOTDIR) is no observation; however long that lasts, it never
// makes the worker stale.
func TestLivenessUnreadableHeartbeat(t *testing.T) {
	clock := newTestClock()
	r := newTestRoot(t, clock)
	obs := otherHost(t, r, clock, 0)
	hb := r.path(dirHeartbeats)
	if err := os.Rename(hb, hb+".away"); err != nil {
		t.Fatal(err)
	}
	write(t, hb, "")
	for range 3 {
		if l := obs.Liveness("w1", time.Minute); l.Verdict == Dead {
			t.Fatalf("unreadable heartbeat judged dead: %s", l.Reason)
		}
		clock.Advance(time.Hour)
	}
}
