package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// graveRecords counts the GC records of graves in every GC log, by path.
func graveRecords(t *testing.T, r *Root) map[string]int {
	t.Helper()
	out := map[string]int{}
	err := r.ReadHistory(func(worker string, line []byte) error {
		var ev struct{ Event, Kind, Path string }
		if err := json.Unmarshal(line, &ev); err != nil {
			return err
		}
		if ev.Event == "gc" && ev.Kind == string(GCGrave) {
			out[ev.Path]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// makeGraves publishes and kills n individuals and returns their graveyard paths.
func makeGraves(t *testing.T, r *Root, n int) []string {
	t.Helper()
	var paths []string
	for i := 0; i < n; i++ {
		paths = append(paths, filepath.Join(dirGraveyard, killedAt(t, r, 100)))
	}
	return paths
}

// mustCollectedOnce checks that every grave is gone with exactly one GC record, and that the
// graveyard is empty (no grave, no claim directory).
func mustCollectedOnce(t *testing.T, r *Root, graves []string) {
	t.Helper()
	recs := graveRecords(t, r)
	for _, g := range graves {
		if recs[g] != 1 {
			t.Errorf("%s has %d GC records, want exactly 1", g, recs[g])
		}
	}
	if left := dirNames(t, r, dirGraveyard); len(left) != 0 {
		t.Errorf("graveyard not empty: %v", left)
	}
	mustCheckClean(t, r)
}

// collectOnce plans and executes one collection of every grave (no grace).
func collectOnce(r *Root, o GCOptions) (GCResult, error) {
	o.Grace = NoGrace
	plan, err := r.PlanGC(context.Background(), o)
	if err != nil {
		return GCResult{}, err
	}
	return r.ExecuteGC(context.Background(), plan)
}

// TestGCRacingCollectors: several collectors (each its own Root, as separate processes or hosts
// would be) collect the same graves at once; every grave gets exactly one record.
func TestGCRacingCollectors(t *testing.T) {
	clock := newTestClock()
	r := newTestRoot(t, clock)
	graves := makeGraves(t, r, 40)
	const collectors = 4
	var wg sync.WaitGroup
	start := make(chan struct{})
	results := make([]GCResult, collectors)
	for i := 0; i < collectors; i++ {
		c, err := Open(r.Dir(), Options{Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			<-start
			res, err := collectOnce(c, GCOptions{})
			if err != nil {
				t.Error(err)
			}
			results[i] = res
		}()
	}
	close(start)
	wg.Wait()
	removed := 0
	for _, res := range results {
		removed += res.Removed
		if res.Failed != 0 {
			t.Errorf("a collector failed: %+v", res)
		}
	}
	if removed != len(graves) {
		t.Errorf("collectors removed %d graves in all, want %d (%+v)", removed, len(graves), results)
	}
	mustCollectedOnce(t, r, graves)
}

// deathFS is the real file system until its collector "dies" before its nth call (any kind,
// reads included, 1-based): from then on every call fails, as nothing more happens after a
// SIGKILL. n == 0 only counts. rename can also report ENOENT after succeeding, as a retried
// NFS rename does.
type deathFS struct {
	osFS
	n             int
	renameENOENT  bool
	mu            sync.Mutex
	calls         int
	dead, renamed bool
}

var errDead = fmt.Errorf("collector is dead: %w", syscall.EIO)

func (d *deathFS) step() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dead {
		return errDead
	}
	d.calls++
	if d.calls == d.n {
		d.dead = true
		return errDead
	}
	return nil
}

func (d *deathFS) Mkdir(name string, perm fs.FileMode) error {
	if err := d.step(); err != nil {
		return err
	}
	return d.osFS.Mkdir(name, perm)
}

func (d *deathFS) OpenFile(name string, flag int, perm fs.FileMode) (file, error) {
	if err := d.step(); err != nil {
		return nil, err
	}
	h, err := d.osFS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &deathFile{file: h, d: d}, nil
}

func (d *deathFS) Rename(o, n string) error {
	if err := d.step(); err != nil {
		return err
	}
	if err := d.osFS.Rename(o, n); err != nil {
		return err
	}
	if d.renameENOENT {
		d.renamed = true
		return &os.LinkError{Op: "rename", Old: o, New: n, Err: syscall.ENOENT}
	}
	return nil
}

func (d *deathFS) Remove(name string) error {
	if err := d.step(); err != nil {
		return err
	}
	return d.osFS.Remove(name)
}

func (d *deathFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := d.step(); err != nil {
		return nil, err
	}
	return d.osFS.ReadDir(name)
}

func (d *deathFS) Lstat(name string) (fs.FileInfo, error) {
	if err := d.step(); err != nil {
		return nil, err
	}
	return d.osFS.Lstat(name)
}

// deathFile fails writes, syncs and reads once its collector is dead; a write is one step.
type deathFile struct {
	file
	d *deathFS
}

func (h *deathFile) Write(p []byte) (int, error) {
	if err := h.d.step(); err != nil {
		return 0, err
	}
	return h.file.Write(p)
}

func (h *deathFile) Sync() error {
	if err := h.d.step(); err != nil {
		return err
	}
	return h.file.Sync()
}

// TestGCCollectorDiesBetweenSteps: a collector dies before each of its file-system calls in
// turn (so between every pair of steps: claim, record, removal and the syncs and checks between
// them); a second collector of the same lock domain then proves it dead by its free lock and
// finishes the job: every grave is gone with exactly one record, and nothing is left behind.
func TestGCCollectorDiesBetweenSteps(t *testing.T) {
	counter := &deathFS{}
	calls := 0
	{
		clock := newTestClock()
		r := newTestRoot(t, clock)
		graves := makeGraves(t, r, 2)
		a, err := Open(r.Dir(), Options{Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		a.fs = counter
		if res, err := collectOnce(a, GCOptions{}); err != nil || res.Removed != 2 {
			t.Fatalf("counting run: %+v %v", res, err)
		}
		calls = counter.calls
		a.Close()
		mustCollectedOnce(t, r, graves)
	}
	t.Logf("a collection of 2 graves makes %d file-system calls", calls)
	for n := 1; n <= calls; n++ {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			clock := newTestClock()
			r := newTestRoot(t, clock)
			graves := makeGraves(t, r, 2)
			a, err := Open(r.Dir(), Options{Now: clock.Now})
			if err != nil {
				t.Fatal(err)
			}
			d := &deathFS{n: n}
			a.fs = d
			collectOnce(a, GCOptions{})
			if !d.dead {
				t.Fatalf("the collector never reached call %d", n)
			}
			if a.gcRelease != nil {
				crashLock(t, a, a.self) // its process is gone: the kernel drops its flock
			}
			// The second collector keeps the default staleness bound: only the dead
			// collector's free lock (its lock domain is ours) lets it take the claim over.
			b, err := Open(r.Dir(), Options{Now: clock.Now})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if res, err := collectOnce(b, GCOptions{}); err != nil || res.Failed != 0 {
				t.Fatalf("second collector: %+v %v", res, err)
			}
			// The dead collector's lock file goes in a collection that also removes leftovers.
			if _, err := collectOnce(b, GCOptions{StaleStaging: NoGrace}); err != nil {
				t.Fatal(err)
			}
			mustCollectedOnce(t, r, graves)
		})
	}
}

// TestGCRenameENOENTAfterSuccess: every rename of the collector happens but reports ENOENT (a
// retransmitted NFS rename): the claims still count as won, and every grave gets one record.
func TestGCRenameENOENTAfterSuccess(t *testing.T) {
	clock := newTestClock()
	r := newTestRoot(t, clock)
	graves := makeGraves(t, r, 5)
	d := &deathFS{renameENOENT: true}
	r.fs = d
	res, err := collectOnce(r, GCOptions{})
	if err != nil || res.Removed != 5 || res.Missing != 0 || !d.renamed {
		t.Fatalf("collection: %+v %v (renames reported ENOENT: %v)", res, err, d.renamed)
	}
	r.fs = osFS{}
	mustCollectedOnce(t, r, graves)
}

// TestGCClaimOfOtherDomainWaitsForStaleness: a collector of another lock domain finds a dead
// collector's claim; its free lock proves nothing there, so the claim is taken over only after
// the collector's heartbeat (it has none: "absent") has been watched unchanged for the bound.
// A live collector's claim is never taken over in its own lock domain.
func TestGCClaimOfOtherDomainWaitsForStaleness(t *testing.T) {
	clock := newTestClock()
	r := newTestRoot(t, clock)
	graves := makeGraves(t, r, 1)
	a, err := Open(r.Dir(), Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	// a dies right after its claim, before the record.
	stop := &stopAfterClaim{}
	a.fs = stop
	if res, _ := collectOnce(a, GCOptions{}); res.Removed != 0 || !stop.dead {
		t.Fatalf("the collector did not die after its claim: %+v", res)
	}
	claimDir := filepath.Join(dirGraveyard, claimDirName(a.self))
	if left := dirNames(t, r, claimDir); len(left) != 1 {
		t.Fatalf("claim directory holds %v, want the claimed grave", left)
	}
	// Alive (lock held) in the shared lock domain: never taken over, even with no bound.
	same, err := Open(r.Dir(), Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer same.Close()
	if res, _ := collectOnce(same, GCOptions{StaleStaging: NoGrace}); res.Removed != 0 {
		t.Fatalf("a live collector's claim was taken over: %+v", res)
	}
	crashLock(t, a, a.self)
	o := otherHost(t, r, clock, 5*time.Minute)
	bound := time.Hour
	if res, _ := collectOnce(o, GCOptions{StaleStaging: bound}); res.Removed != 0 {
		t.Fatalf("taken over at first sight from another lock domain: %+v", res)
	}
	clock.Advance(bound / 2)
	if res, _ := collectOnce(o, GCOptions{StaleStaging: bound}); res.Removed != 0 {
		t.Fatalf("taken over before the bound: %+v", res)
	}
	clock.Advance(bound)
	if res, _ := collectOnce(o, GCOptions{StaleStaging: bound}); res.Removed == 0 {
		t.Fatalf("not taken over after the bound: %+v", res)
	}
	recs := graveRecords(t, r)
	if recs[graves[0]] != 1 {
		t.Errorf("%d records, want 1", recs[graves[0]])
	}
	if left := dirNames(t, r, dirGraveyard); len(left) != 0 {
		t.Errorf("graveyard not empty: %v", left)
	}
}

// stopAfterClaim is the real file system until a rename into a claim directory; after that
// rename every call fails (the collector died between claim and record).
type stopAfterClaim struct {
	osFS
	dead bool
}

func (s *stopAfterClaim) Rename(o, n string) error {
	if s.dead {
		return errDead
	}
	err := s.osFS.Rename(o, n)
	if _, ok := parseClaimDir(filepath.Base(filepath.Dir(n))); ok && err == nil {
		s.dead = true
	}
	return err
}

func (s *stopAfterClaim) OpenFile(name string, flag int, perm fs.FileMode) (file, error) {
	if s.dead {
		return nil, errDead
	}
	return s.osFS.OpenFile(name, flag, perm)
}

func (s *stopAfterClaim) Remove(name string) error {
	if s.dead {
		return errDead
	}
	return s.osFS.Remove(name)
}

func (s *stopAfterClaim) Mkdir(name string, perm fs.FileMode) error {
	if s.dead {
		return errDead
	}
	return s.osFS.Mkdir(name, perm)
}
