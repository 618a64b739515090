package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// fixture builds one bad on-disk state and says what list, read, GC and the checker must do.
type fixture struct {
	name string
	// make damages a fresh experiment holding one good individual good; it returns the id
	// (or name) the fixture is about.
	make     func(t *testing.T, r *Root, good string) string
	listed   bool        // List includes the subject
	readErr  error       // what Record/ReadFile of the subject return (nil: no read check)
	problem  ProblemKind // what Check reports ("" for nothing)
	gcKeeps  bool        // default GC keeps the subject's path
	subject  string      // path (relative) of the subject, for GC and repair checks; %s = subject
	noRepair bool
}

func write(t *testing.T, path string, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyIndividual(t *testing.T, r *Root, from, toDir string) {
	t.Helper()
	os.MkdirAll(toDir, 0o755)
	for _, n := range dirNames(t, r, filepath.Join(dirPopulation, from)) {
		data, _ := os.ReadFile(r.path(dirPopulation, from, n))
		write(t, filepath.Join(toDir, n), string(data))
	}
}

var fixtures = []fixture{
	{name: "half-staged fresh", make: func(t *testing.T, r *Root, _ string) string {
		id := newID(r.now())
		write(t, r.path(dirStaging, "w7."+id, "checkpoint"), "half")
		return id
	}, subject: "staging/w7.%s", gcKeeps: true},
	// Old by its mtime, but its owner left no lock record and this observer has not watched its
	// heartbeat go stale: an mtime written by another host's clock proves nothing, so it stays
	// until a long-running collector has watched it unchanged for the staleness bound
	// (TestLivenessStaleAfterBound).
	{name: "half-staged old, owner unproven", make: func(t *testing.T, r *Root, _ string) string {
		id := newID(r.now())
		p := r.path(dirStaging, "w7."+id)
		write(t, filepath.Join(p, "checkpoint"), "half")
		old := r.now().Add(-2 * DefaultStaleStaging)
		os.Chtimes(filepath.Join(p, "checkpoint"), old, old)
		os.Chtimes(p, old, old)
		return id
	}, subject: "staging/w7.%s", gcKeeps: true},
	{name: "stage of dead local worker", make: func(t *testing.T, r *Root, _ string) string {
		id := newID(r.now())
		pid := deadPID(t)
		dead := fmt.Sprintf("%s-%d-deadbeef", localHost(), pid)
		write(t, r.path(dirStaging, dead+"."+id, "checkpoint"), "half")
		writeLockRecord(t, r, dead, pid, r.domain())
		return dead + "." + id
	}, subject: "staging/%s", problem: ProblemLeak},
	{name: "missing record", make: func(t *testing.T, r *Root, _ string) string {
		id := newID(r.now())
		write(t, r.path(dirPopulation, id, "checkpoint"), "orphan")
		return id
	}, listed: true, readErr: ErrGone, problem: ProblemTorn, gcKeeps: true, subject: "population/%s"},
	{name: "record of another id", make: func(t *testing.T, r *Root, good string) string {
		id := newID(r.now())
		copyIndividual(t, r, good, r.path(dirPopulation, id))
		return id
	}, listed: true, readErr: ErrGone, problem: ProblemTorn, gcKeeps: true, subject: "population/%s"},
	{name: "record not json", make: func(t *testing.T, r *Root, good string) string {
		write(t, r.path(dirPopulation, good, recordFileName), `{"id": "`)
		return good
	}, listed: true, readErr: ErrGone, problem: ProblemTorn, gcKeeps: true, subject: "population/%s"},
	{name: "record too large", make: func(t *testing.T, r *Root, good string) string {
		write(t, r.path(dirPopulation, good, recordFileName), string(make([]byte, MaxRecordSize+1)))
		return good
	}, listed: true, readErr: ErrGone, problem: ProblemTorn, gcKeeps: true, subject: "population/%s"},
	{name: "bad checksum", make: func(t *testing.T, r *Root, good string) string {
		write(t, r.path(dirPopulation, good, "checkpoint"), "CHECKPOINT") // same size, other bytes
		return good
	}, listed: true, readErr: ErrGone, problem: ProblemCorrupt, gcKeeps: true, subject: "population/%s"},
	{name: "truncated file", make: func(t *testing.T, r *Root, good string) string {
		write(t, r.path(dirPopulation, good, "checkpoint"), "check")
		return good
	}, listed: true, readErr: ErrGone, problem: ProblemCorrupt, gcKeeps: true, subject: "population/%s"},
	{name: "unrecorded extra file", make: func(t *testing.T, r *Root, good string) string {
		write(t, r.path(dirPopulation, good, "extra"), "?")
		return good
	}, listed: true, problem: ProblemCorrupt, gcKeeps: true, subject: "population/%s"},
	{name: "symlinked checkpoint", make: func(t *testing.T, r *Root, good string) string {
		outside := filepath.Join(filepath.Dir(r.dir), "secret")
		write(t, outside, "checkpoint") // same size as the real one
		p := r.path(dirPopulation, good, "checkpoint")
		os.Remove(p)
		if err := os.Symlink(outside, p); err != nil {
			t.Fatal(err)
		}
		return good
	}, listed: true, readErr: ErrGone, problem: ProblemCorrupt, gcKeeps: true, subject: "population/%s"},
	{name: "symlinked individual", make: func(t *testing.T, r *Root, good string) string {
		outside := filepath.Join(filepath.Dir(r.dir), "elsewhere")
		os.Rename(r.path(dirPopulation, good), outside)
		if err := os.Symlink(outside, r.path(dirPopulation, good)); err != nil {
			t.Fatal(err)
		}
		return good
	}, readErr: ErrGone, problem: ProblemForeign, gcKeeps: true, subject: "population/%s"},
	{name: "foreign file in population", make: func(t *testing.T, r *Root, _ string) string {
		write(t, r.path(dirPopulation, "README.txt"), "hello")
		return "README.txt"
	}, problem: ProblemForeign, gcKeeps: true, subject: "population/%s"},
	{name: "foreign dir in population", make: func(t *testing.T, r *Root, _ string) string {
		write(t, r.path(dirPopulation, "backup", "x"), "hello")
		return "backup"
	}, problem: ProblemForeign, gcKeeps: true, subject: "population/%s"},
	{name: "foreign top-level file", make: func(t *testing.T, r *Root, _ string) string {
		write(t, r.path("notes.txt"), "hello")
		return "notes.txt"
	}, problem: ProblemForeign, gcKeeps: true, subject: "%s"},
	{name: "foreign grave", make: func(t *testing.T, r *Root, _ string) string {
		write(t, r.path(dirGraveyard, "junk", "x"), "")
		return "junk"
	}, problem: ProblemForeign, gcKeeps: true, subject: "graveyard/%s"},
	{name: "fresh grave", make: func(t *testing.T, r *Root, good string) string {
		r.Kill(good, "k1")
		g, _ := r.gravesOf(good)
		return g[0]
	}, gcKeeps: true, subject: "graveyard/%s"},
	{name: "old grave", make: func(t *testing.T, r *Root, good string) string {
		name := graveName(good, r.now().Add(-2*DefaultGrace), "k1")
		os.Rename(r.path(dirPopulation, good), r.path(dirGraveyard, name))
		return name
	}, subject: "graveyard/%s"},
	{name: "alive and dead", make: func(t *testing.T, r *Root, good string) string {
		copyIndividual(t, r, good, r.path(dirGraveyard, graveName(good, r.now(), "k1")))
		return good
	}, listed: true, problem: ProblemDuplicate, gcKeeps: true, subject: "population/%s"},
	{name: "foreign heartbeat", make: func(t *testing.T, r *Root, _ string) string {
		write(t, r.path(dirHeartbeats, "a b"), "")
		return "a b"
	}, problem: ProblemForeign, gcKeeps: true, subject: "heartbeats/%s"},
}

// deadPID returns the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	p, err := os.StartProcess("/bin/true", []string{"true"}, &os.ProcAttr{})
	if err != nil {
		t.Skip("cannot start /bin/true:", err)
	}
	p.Wait()
	return p.Pid
}

// TestFixtures checks what List, Record/ReadFile, GC (default options), Check and Repair do with
// every bad on-disk state.
func TestFixtures(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			r := newTestRoot(t, nil)
			good := publishTest(t, r, "w1", []byte("checkpoint"), 0.5)
			subj := fx.make(t, r, good)
			rel := fmt.Sprintf(fx.subject, subj)
			ids, err := r.List()
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if slices.Contains(ids, subj) != fx.listed {
				t.Errorf("list %v: listed %v, want %v", ids, !fx.listed, fx.listed)
			}
			if fx.readErr != nil {
				_, rerr := r.Record(subj)
				if rerr == nil {
					_, rerr = r.ReadFile(subj, "checkpoint", 1<<20)
				}
				if rerr == nil {
					rc, err := r.OpenFile(subj, "checkpoint")
					if rerr = err; err == nil {
						_, rerr = io.Copy(io.Discard, rc)
						rc.Close()
					}
				}
				if !errors.Is(rerr, fx.readErr) {
					t.Errorf("read: %v, want %v", rerr, fx.readErr)
				}
			}
			ps, err := r.Check(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var kinds []ProblemKind
			for _, p := range ps {
				kinds = append(kinds, p.Kind)
				if p.Path != rel {
					t.Errorf("problem %v: want path %s", p, rel)
				}
			}
			if (fx.problem == "" && len(ps) != 0) || (fx.problem != "" && (len(ps) != 1 || ps[0].Kind != fx.problem)) {
				t.Errorf("check found %v, want [%s]", ps, fx.problem)
			}
			ctx := context.Background()
			plan, err := r.PlanGC(ctx, GCOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.ExecuteGC(ctx, plan); err != nil {
				t.Fatal(err)
			}
			_, serr := os.Lstat(r.path(rel))
			if kept := serr == nil; kept != fx.gcKeeps {
				t.Errorf("after default GC %s kept=%v, want %v", rel, kept, fx.gcKeeps)
			}
			if _, err := os.Lstat(r.path(dirPopulation, good)); err != nil && fx.name != "symlinked individual" && fx.name != "old grave" && fx.name != "fresh grave" {
				t.Errorf("GC or a fixture removed the good individual: %v", err)
			}
			if err := r.Repair(ctx, ps); err != nil {
				t.Fatalf("repair: %v", err)
			}
			if fx.problem != "" && fx.problem != ProblemLeak {
				if _, err := os.Lstat(r.path(rel)); err == nil {
					t.Errorf("repair left %s in place", rel)
				}
				if len(dirNames(t, r, dirQuarantine)) == 0 {
					t.Error("repair quarantined nothing")
				}
			}
			gcAll(t, r)
			mustCheckClean(t, r)
		})
	}
}

// TestTornHistory checks that a crash in the middle of an append loses only that line.
func TestTornHistory(t *testing.T) {
	r := newTestRoot(t, nil)
	write(t, r.path(dirHistory, "w1.jsonl"), "{\"n\":1}\n{\"n\":2}\n{\"n\":")
	var got []string
	collect := func(_ string, line []byte) error { got = append(got, string(line)); return nil }
	if err := r.ReadHistory(collect); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != `[{"n":1} {"n":2}]` {
		t.Errorf("torn log read as %q", got)
	}
	h, err := r.History("w1")
	if err != nil {
		t.Fatal(err)
	}
	h.Append([]byte(`{"n":3}`))
	h.Close()
	got = nil
	r.ReadHistory(collect)
	if fmt.Sprint(got) != `[{"n":1} {"n":2} {"n":3}]` {
		t.Errorf("after reopening, log read as %q", got)
	}
}
