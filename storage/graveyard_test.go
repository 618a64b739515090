package storage

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// killedAt publishes an individual with a checkpoint of size bytes and kills it at the clock's
// current time; it returns the grave's name.
func killedAt(t *testing.T, r *Root, size int) string {
	t.Helper()
	id := publishTest(t, r, "w1", bytes.Repeat([]byte("x"), size), 0)
	if err := r.Kill(id, "k1"); err != nil {
		t.Fatal(err)
	}
	g, err := r.gravesOf(id)
	if err != nil || len(g) != 1 {
		t.Fatalf("graves of %s: %v %v", id, g, err)
	}
	return g[0]
}

// TestGraveyardBudget: over the byte budget the oldest graves go first, the budget stops as
// soon as the rest fits, and a grave younger than MinGraveGrace is never removed by it.
func TestGraveyardBudget(t *testing.T) {
	clock := newTestClock()
	r := newTestRoot(t, clock)
	var graves []string
	for _, gap := range []time.Duration{10 * time.Minute, 10 * time.Minute, 10 * time.Minute, MinGraveGrace - time.Minute} {
		graves = append(graves, killedAt(t, r, 1000))
		clock.Advance(gap)
	}
	n, total, err := r.GraveyardUsage()
	if err != nil || n != 4 || total < 4000 {
		t.Fatalf("usage: %d graves, %d bytes, %v", n, total, err)
	}
	each := total / 4
	// Room for two: the two oldest go, the two youngest stay.
	res := planGC(t, r, GCOptions{MaxGraveyardBytes: 2 * each})
	if res.Removed != 2 {
		t.Fatalf("budget for two: %+v", res)
	}
	if left := dirNames(t, r, dirGraveyard); !slices.Equal(left, graves[2:]) {
		t.Fatalf("left %v, want the two youngest %v", left, graves[2:])
	}
	// A budget of one byte: only graves past MinGraveGrace go; the youngest stays.
	planGC(t, r, GCOptions{MaxGraveyardBytes: 1})
	if left := dirNames(t, r, dirGraveyard); !slices.Equal(left, graves[3:]) {
		t.Fatalf("left %v, want only the grave inside the minimum grace %v", left, graves[3:])
	}
	// Every removal has its GC record.
	recs := gcRecords(t, r)
	for _, g := range graves[:3] {
		if !recs[filepath.Join(dirGraveyard, g)] {
			t.Errorf("grave %s removed without a GC record", g)
		}
	}
	if n, b, _ := r.GraveyardUsage(); n != 1 || b != each {
		t.Errorf("usage after: %d graves, %d bytes, want 1, %d", n, b, each)
	}
	if err := (GCOptions{MaxGraveyardBytes: -1}).Validate(); err == nil {
		t.Error("negative budget accepted")
	}
}

// TestGraveyardBudgetFullDisk: a budget pass on a full disk (the GC log cannot be written)
// removes nothing, reports the failures, and the next pass finishes the job.
func TestGraveyardBudgetFullDisk(t *testing.T) {
	clock := newTestClock()
	r := newTestRoot(t, clock)
	for i := 0; i < 3; i++ {
		killedAt(t, r, 500)
		clock.Advance(MinGraveGrace)
	}
	full := newFaultFS("write", 1, syscall.ENOSPC)
	r.fs = full
	plan, err := r.PlanGC(context.Background(), GCOptions{MaxGraveyardBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.ExecuteGC(context.Background(), plan)
	if err != nil || !full.fired || res.Failed == 0 {
		t.Fatalf("full disk pass: %+v %v (fault fired %v)", res, err, full.fired)
	}
	recs := gcRecords(t, r)
	for _, g := range dirNames(t, r, dirGraveyard) {
		delete(recs, filepath.Join(dirGraveyard, g))
	}
	if n, _, _ := r.GraveyardUsage(); n+len(recs) != 3 {
		t.Fatalf("%d graves left and %d records of removed ones, want 3 in all", n, len(recs))
	}
	r.fs = osFS{}
	planGC(t, r, GCOptions{MaxGraveyardBytes: 1})
	if n, _, _ := r.GraveyardUsage(); n != 0 {
		t.Errorf("after the disk has room again: %d graves left", n)
	}
	mustCheckClean(t, r)
}
