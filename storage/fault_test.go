package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// faultScenario is one storage operation run under fault injection.
type faultScenario struct {
	name string
	// setup prepares the experiment with the real file system and returns state for run.
	setup func(t *testing.T, r *Root, clock *testClock) []string
	// run is the operation under test; its error is allowed.
	run func(r *Root, state []string) error
	// verify checks the scenario's own invariant after recovery.
	verify func(t *testing.T, r *Root, state []string, runErr error)
}

var faultScenarios = []faultScenario{
	{
		name:  "publish",
		setup: func(t *testing.T, r *Root, _ *testClock) []string { return nil },
		run: func(r *Root, state []string) error {
			s, err := r.Stage("w1")
			if err != nil {
				return err
			}
			if err := s.WriteFile("genome.json", []byte(`{"v":1}`)); err != nil {
				return err
			}
			w, err := s.Create("checkpoint")
			if err != nil {
				return err
			}
			for i := 0; i < 3; i++ {
				if _, err := w.Write(bytes.Repeat([]byte{byte(i)}, 1000)); err != nil {
					w.Close()
					return err
				}
			}
			if err := w.Close(); err != nil {
				return err
			}
			return s.Publish([]byte(`{"fitness": 0.5}`))
		},
		verify: func(t *testing.T, r *Root, _ []string, runErr error) {
			ids, err := r.List()
			if err != nil {
				t.Fatal(err)
			}
			if runErr != nil && len(ids) != 0 {
				t.Errorf("publish failed (%v) but population holds %v", runErr, ids)
			}
			if runErr == nil {
				if len(ids) != 1 {
					t.Fatalf("publish succeeded but population holds %v", ids)
				}
				if data, err := r.ReadFile(ids[0], "checkpoint", 1<<20); err != nil || len(data) != 3000 {
					t.Errorf("published checkpoint: %d bytes, %v", len(data), err)
				}
			}
		},
	},
	{
		name: "kill",
		setup: func(t *testing.T, r *Root, _ *testClock) []string {
			return []string{publishTest(t, r, "w1", []byte("ck"), 0.1)}
		},
		run: func(r *Root, state []string) error { return r.Kill(state[0], "k1") },
		verify: func(t *testing.T, r *Root, state []string, runErr error) {
			ids, _ := r.List()
			graves, _ := r.gravesOf(state[0])
			for p := range gcRecords(t, r) { // the recovery GC collected the grave
				if id, _, _, ok := parseGrave(filepath.Base(p)); ok && id == state[0] {
					graves = append(graves, p)
				}
			}
			alive := slices.Contains(ids, state[0])
			if alive == (len(graves) == 1) || len(graves) > 1 {
				t.Errorf("after kill (err %v): alive %v, graves %v: want exactly one place", runErr, alive, graves)
			}
			if runErr == nil && alive {
				t.Errorf("kill reported success but %s is alive", state[0])
			}
		},
	},
	{
		name: "gc",
		setup: func(t *testing.T, r *Root, clock *testClock) []string {
			a := publishTest(t, r, "w1", []byte("aa"), 0.1)
			b := publishTest(t, r, "w1", []byte("bb"), 0.2)
			for _, id := range []string{a, b} {
				if err := r.Kill(id, "k1"); err != nil {
					t.Fatal(err)
				}
			}
			s, err := r.Stage("w9")
			if err != nil {
				t.Fatal(err)
			}
			if err := s.WriteFile("checkpoint", []byte("half")); err != nil {
				t.Fatal(err)
			}
			return []string{a, b}
		},
		run: func(r *Root, state []string) error {
			plan, err := r.PlanGC(context.Background(), GCOptions{Grace: NoGrace, StaleStaging: NoGrace})
			if err != nil {
				return err
			}
			_, err = r.ExecuteGC(context.Background(), plan)
			return err
		},
		verify: func(t *testing.T, r *Root, state []string, _ error) {
			if g := dirNames(t, r, dirGraveyard); len(g) != 0 {
				t.Errorf("graveyard not empty after recovery GC: %v", g)
			}
			recs := gcRecords(t, r)
			for _, id := range state {
				found := false
				for p := range recs {
					found = found || filepath.Base(p)[:len(id)] == id && filepath.Dir(p) == dirGraveyard
				}
				if !found {
					t.Errorf("grave of %s removed without a GC record (records %v)", id, recs)
				}
			}
		},
	},
}

// TestFaultInjection fails the Nth mkdir, open, write, sync, close, rename, remove and link of a
// publish, a kill and a GC, for every N the operation performs, with ENOSPC and with EIO. After
// each, a GC with no grace runs on the real file system and the checker must find nothing wrong.
func TestFaultInjection(t *testing.T) {
	for _, sc := range faultScenarios {
		counter := newFaultFS("", 0, nil)
		r := newTestRoot(t, newTestClock())
		state := sc.setup(t, r, nil)
		r.fs = counter
		if err := sc.run(r, state); err != nil {
			t.Fatalf("%s without faults: %v", sc.name, err)
		}
		counts := counter.counts()
		t.Logf("%s performs %v", sc.name, counts)
		total := 0
		for _, op := range faultOps {
			for n := 1; n <= counts[op]; n++ {
				for _, injected := range []syscall.Errno{syscall.ENOSPC, syscall.EIO} {
					total++
					t.Run(fmt.Sprintf("%s/%s/%s/%d", sc.name, op, errnoName[injected], n), func(t *testing.T) {
						clock := newTestClock()
						r := newTestRoot(t, clock)
						state := sc.setup(t, r, clock)
						ffs := newFaultFS(op, n, injected)
						r.fs = ffs
						runErr := sc.run(r, state)
						if !ffs.fired {
							t.Fatalf("fault %s #%d never fired", op, n)
						}
						if runErr != nil && !errors.Is(runErr, injected) {
							t.Errorf("error %v does not wrap the injected %v", runErr, injected)
						}
						r.fs = osFS{}
						gcAll(t, r)
						sc.verify(t, r, state, runErr)
						mustCheckClean(t, r)
						if s := dirNames(t, r, dirStaging); len(s) != 0 {
							t.Errorf("staging not empty after GC: %v", s)
						}
					})
				}
			}
		}
		if total == 0 {
			t.Errorf("%s: no operations counted", sc.name)
		}
	}
}

var errnoName = map[syscall.Errno]string{syscall.ENOSPC: "ENOSPC", syscall.EIO: "EIO"}
