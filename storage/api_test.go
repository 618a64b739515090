package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestInitConcurrentAgree(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "exp")
	configs := []string{`{"p":1}`, `{"p":2}`, `{"p":3}`, `{"p":4}`}
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = Init(dir, []byte(configs[i%len(configs)]), Options{})
		}()
	}
	wg.Wait()
	r, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	winner := string(r.Config())
	for i, err := range errs {
		mine := configs[i%len(configs)]
		switch {
		case mine == winner && err != nil:
			t.Errorf("init %d with the winning config failed: %v", i, err)
		case mine != winner && !errors.Is(err, ErrConfigMismatch):
			t.Errorf("init %d with %s (winner %s): err %v, want ErrConfigMismatch", i, mine, winner, err)
		}
	}
	if s := dirNames(t, r, dirStaging); len(s) != 0 {
		t.Errorf("init left temporary files: %v", s)
	}
}

func TestInitOpenErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "exp")
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrNotExperiment) {
		t.Errorf("open of a missing dir: %v, want ErrNotExperiment", err)
	}
	if _, err := Init(dir, []byte(`{not json`), Options{}); err == nil {
		t.Error("init accepted invalid JSON")
	}
	if _, err := Init(dir, []byte(`{"a": 1, "b": 2}`), Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Init(dir, []byte("{\"a\":1,\n \"b\":2}"), Options{}); err != nil {
		t.Errorf("same config, other formatting: %v", err)
	}
	_, err := Init(dir, []byte(`{"a": 1, "b": 3}`), Options{})
	if !errors.Is(err, ErrConfigMismatch) || !strings.Contains(err.Error(), "experiment.json") {
		t.Errorf("different config: %v, want ErrConfigMismatch naming experiment.json", err)
	}
	os.WriteFile(filepath.Join(dir, fileConfig+".x"), nil, 0o644)
	if err := os.WriteFile(filepath.Join(dir, fileConfig), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrNotExperiment) {
		t.Errorf("open with a damaged config: %v", err)
	}
}

func TestPublishReadRoundTrip(t *testing.T) {
	clock := newTestClock()
	r := newTestRoot(t, clock)
	ck := bytes.Repeat([]byte("weights"), 1000)
	a := publishTest(t, r, "w1", ck, 0.25)
	b := publishTest(t, r, "w2", []byte("x"), 0.5)
	ids, err := r.List()
	if err != nil || len(ids) != 2 || ids[0] != a || ids[1] != b {
		t.Fatalf("list = %v, %v; want [%s %s] (birth order)", ids, err, a, b)
	}
	rec, err := r.Record(a)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Worker != "w1" || rec.Files["checkpoint"].Size != int64(len(ck)) || string(rec.Meta) != `{"fitness":0.25}` {
		t.Errorf("record = %+v", rec)
	}
	if born, _ := IDTime(a); !born.Equal(rec.Born) {
		t.Errorf("born %v, id time %v", rec.Born, born)
	}
	got, err := r.ReadFile(a, "checkpoint", 1<<20)
	if err != nil || !bytes.Equal(got, ck) {
		t.Errorf("read back %d bytes, %v", len(got), err)
	}
	if _, err := r.ReadFile(a, "checkpoint", 10); !errors.Is(err, ErrTooLarge) {
		t.Errorf("read over the limit: %v, want ErrTooLarge", err)
	}
	rc, err := r.OpenFile(a, "checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	streamed, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(streamed, ck) || rc.Close() != nil {
		t.Errorf("stream: %d bytes, %v", len(streamed), err)
	}
	if _, err := r.ReadFile(a, "missing", 10); err == nil || !strings.Contains(err.Error(), "checkpoint") {
		t.Errorf("missing file: %v, want an error listing the files", err)
	}
	mustCheckClean(t, r)
}

func TestStageMisuse(t *testing.T) {
	r := newTestRoot(t, nil)
	s, err := r.Stage("w1")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteFile("a", []byte("1")); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteFile("a", []byte("2")); err == nil {
		t.Error("a file written twice was accepted")
	}
	if _, err := s.Create(recordFileName); !errors.Is(err, ErrBadName) {
		t.Errorf("create record.json: %v", err)
	}
	w, _ := s.Create("open")
	if err := s.Publish(nil); err == nil || !strings.Contains(err.Error(), "open") {
		t.Errorf("publish with an open file: %v", err)
	}
	w.Close()
	if err := s.Publish(nil); !errors.Is(err, ErrStageClosed) {
		t.Errorf("publish after abort: %v", err)
	}
	s2, _ := r.Stage("w1")
	if err := s2.Publish([]byte(`{bad`)); err == nil {
		t.Error("invalid meta accepted")
	}
	if ids, _ := r.List(); len(ids) != 0 {
		t.Errorf("failed publishes left %v", ids)
	}
	if st := dirNames(t, r, dirStaging); len(st) != 0 {
		t.Errorf("aborted stages left %v", st)
	}
}

func TestBadNames(t *testing.T) {
	r := newTestRoot(t, nil)
	id := publishTest(t, r, "w1", []byte("x"), 0)
	bad := []string{"", ".", "..", "../x", "a/b", "/abs", "a\x00b", "a\nb", ".hidden", "-dash", strings.Repeat("a", 129), "a b"}
	for _, name := range bad {
		t.Run(fmt.Sprintf("%q", name), func(t *testing.T) {
			if _, err := r.Stage(name); !errors.Is(err, ErrBadName) {
				t.Errorf("Stage: %v", err)
			}
			if err := r.Kill(id, name); !errors.Is(err, ErrBadName) {
				t.Errorf("Kill killer: %v", err)
			}
			if err := r.Kill(name, "k"); !errors.Is(err, ErrBadName) {
				t.Errorf("Kill id: %v", err)
			}
			if _, err := r.Record(name); !errors.Is(err, ErrBadName) {
				t.Errorf("Record: %v", err)
			}
			if _, err := r.ReadFile(id, name, 10); !errors.Is(err, ErrBadName) {
				t.Errorf("ReadFile: %v", err)
			}
			if err := r.Heartbeat(name, nil); !errors.Is(err, ErrBadName) {
				t.Errorf("Heartbeat: %v", err)
			}
			if _, err := r.History(name); !errors.Is(err, ErrBadName) {
				t.Errorf("History: %v", err)
			}
			if _, err := r.Register(name); !errors.Is(err, ErrBadName) {
				t.Errorf("Register: %v", err)
			}
		})
	}
}

func TestKillRace(t *testing.T) {
	r := newTestRoot(t, nil)
	id := publishTest(t, r, "w1", []byte("x"), 0)
	errs := make([]error, 12)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = r.Kill(id, fmt.Sprintf("k%d", i)) }()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, ErrLostRace):
			t.Errorf("loser got %v, want ErrLostRace", err)
		}
	}
	if won != 1 {
		t.Errorf("%d killers won, want 1", won)
	}
	if _, err := r.Record(id); !errors.Is(err, ErrGone) {
		t.Errorf("record of the dead: %v", err)
	}
	rec, err := r.DeadRecord(id)
	if err != nil || rec.ID != id {
		t.Errorf("dead record: %v, %v", rec, err)
	}
	never := newID(time.Now())
	if err := r.Kill(never, "k"); !errors.Is(err, ErrGone) {
		t.Errorf("kill of a never-alive id: %v, want ErrGone", err)
	}
}

func TestKillAmbiguousENOENT(t *testing.T) {
	r := newTestRoot(t, nil)
	id := publishTest(t, r, "w1", []byte("x"), 0)
	r.fs = &lyingRenameFS{} // renames, then reports ENOENT like a retransmitted NFS rename
	if err := r.Kill(id, "k1"); err != nil {
		t.Errorf("kill whose rename succeeded but reported ENOENT: %v, want success", err)
	}
	r.fs = osFS{}
	if g, _ := r.gravesOf(id); len(g) != 1 {
		t.Errorf("graves %v", g)
	}
}

type lyingRenameFS struct{ osFS }

func (lyingRenameFS) Rename(o, n string) error {
	if err := os.Rename(o, n); err != nil {
		return err
	}
	return &os.LinkError{Op: "rename", Old: o, New: n, Err: os.ErrNotExist}
}

func TestHeartbeatsControlHistory(t *testing.T) {
	clock := newTestClock()
	r := newTestRoot(t, clock)
	for _, w := range []string{"w2", "w1", "w1"} {
		if err := r.Heartbeat(w, []byte(`{"w":"`+w+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	hbs, err := r.Heartbeats()
	if err != nil || len(hbs) != 2 || hbs[0].Worker != "w1" || string(hbs[1].Data) != `{"w":"w2"}` {
		t.Fatalf("heartbeats %+v, %v", hbs, err)
	}
	if !hbs[0].Time.After(hbs[1].Time) {
		t.Errorf("w1 beat last but its time %v is not after w2's %v", hbs[0].Time, hbs[1].Time)
	}
	if c, err := r.Control(); c != nil || err != nil {
		t.Errorf("control before any write: %q, %v", c, err)
	}
	if err := r.WriteControl([]byte(`{"mutations": 5}`)); err != nil {
		t.Fatal(err)
	}
	if c, _ := r.Control(); string(c) != `{"mutations": 5}` {
		t.Errorf("control = %s", c)
	}
	if err := r.WriteControl([]byte(`nope`)); err == nil {
		t.Error("invalid control accepted")
	}
	h, err := r.History("w1")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := h.Append([]byte(fmt.Sprintf("{\n\"n\": %d}", i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.Append([]byte("not json")); err == nil {
		t.Error("invalid event accepted")
	}
	h.Close()
	var lines []string
	r.ReadHistory(func(w string, line []byte) error { lines = append(lines, w+" "+string(line)); return nil })
	if strings.Join(lines, "|") != `w1 {"n":0}|w1 {"n":1}|w1 {"n":2}` {
		t.Errorf("history = %q", lines)
	}
	stop := errors.New("stop")
	if err := r.ReadHistory(func(string, []byte) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("callback error not returned: %v", err)
	}
	mustCheckClean(t, r)
}

func TestRegisterAndLiveness(t *testing.T) {
	r := newTestRoot(t, nil)
	w := NewWorkerID()
	release, err := r.Register(w)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Register(w); !errors.Is(err, ErrWorkerRunning) {
		t.Errorf("second register: %v", err)
	}
	s, _ := r.Stage(w)
	s.WriteFile("a", []byte("x"))
	gcAll(t, r)
	if st := dirNames(t, r, dirStaging); len(st) != 1 {
		t.Errorf("GC removed a live worker's stage: %v", st)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	again, err := r.Register(w)
	if err != nil {
		t.Fatalf("register after release: %v", err)
	}
	again()
}

func TestGCDryRunAndGrace(t *testing.T) {
	clock := newTestClock()
	r := newTestRoot(t, clock)
	old := publishTest(t, r, "w1", []byte("x"), 0)
	r.Kill(old, "k1")
	clock.Advance(2 * DefaultGrace)
	fresh := publishTest(t, r, "w1", []byte("y"), 0)
	r.Kill(fresh, "k1")
	ctx := context.Background()
	plan, err := r.PlanGC(ctx, GCOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Items) != 1 || plan.Items[0].ID != old {
		t.Fatalf("plan %+v, want only the old grave", plan.Items)
	}
	if res, _ := r.ExecuteGC(ctx, plan); res.Removed != 0 || len(dirNames(t, r, dirGraveyard)) != 2 {
		t.Errorf("dry run removed something: %+v", res)
	}
	plan.DryRun = false
	if res, _ := r.ExecuteGC(ctx, plan); res.Removed != 1 {
		t.Errorf("execute: %+v", res)
	}
	if res, _ := r.ExecuteGC(ctx, plan); res.Removed != 0 || res.Missing != 1 || res.Failed != 0 {
		t.Errorf("second execute of the same plan: %+v, want idempotent", res)
	}
	if _, err := r.DeadRecord(fresh); err != nil {
		t.Errorf("fresh grave: %v", err)
	}
	if _, err := r.DeadRecord(old); !errors.Is(err, ErrGone) {
		t.Errorf("collected grave: %v", err)
	}
	if err := (GCOptions{Grace: -5}).Validate(); err == nil {
		t.Error("negative grace accepted")
	}
}

func TestWatch(t *testing.T) {
	r := newTestRoot(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	ch := r.Watch(ctx, time.Hour) // only fsnotify can wake it within the test
	publishTest(t, r, "w1", []byte("x"), 0)
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Error("no wake-up after a publish on this host")
	}
	cancel()
	for range ch { // drains and ends: the channel is closed when ctx ends
	}
	tick := r.Watch(context.Background(), time.Millisecond)
	<-tick
	<-tick
}

func TestRecordJSONShape(t *testing.T) {
	r := newTestRoot(t, nil)
	id := publishTest(t, r, "w1", []byte("abc"), 0.5)
	data, err := os.ReadFile(r.path(dirPopulation, id, recordFileName))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "worker", "born", "files", "meta"} {
		if _, ok := m[k]; !ok {
			t.Errorf("record.json lacks %q: %s", k, data)
		}
	}
	files := m["files"].(map[string]any)
	ck := files["checkpoint"].(map[string]any)
	if ck["sha256"] != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" || ck["size"] != 3.0 {
		t.Errorf("checkpoint entry %v", ck)
	}
}
