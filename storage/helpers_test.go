package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// testClock is an injected clock that advances by step on every call.
type testClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func newTestClock() *testClock {
	return &testClock{t: time.Date(2026, 1, 5, 10, 15, 30, 0, time.UTC), step: time.Millisecond}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newTestRoot makes a fresh experiment in a temporary directory.
func newTestRoot(t *testing.T, clock *testClock) *Root {
	t.Helper()
	opts := Options{}
	if clock != nil {
		opts.Now = clock.Now
	}
	r, err := Init(filepath.Join(t.TempDir(), "exp"), []byte(`{"population": 4}`), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// publishTest publishes an individual of worker with a checkpoint and fitness meta.
func publishTest(t testing.TB, r *Root, worker string, checkpoint []byte, fitness float64) string {
	t.Helper()
	s, err := r.Stage(worker)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteFile("checkpoint", checkpoint); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteFile("genome.json", []byte(`{"v":1}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.Publish([]byte(fmt.Sprintf(`{"fitness": %g}`, fitness))); err != nil {
		t.Fatal(err)
	}
	return s.ID()
}

// mustCheckClean fails the test if Check finds any problem.
func mustCheckClean(t *testing.T, r *Root) {
	t.Helper()
	ps, err := r.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		t.Errorf("check: %v", p)
	}
}

// gcAll collects everything collectable now.
func gcAll(t *testing.T, r *Root) GCResult {
	t.Helper()
	ctx := context.Background()
	plan, err := r.PlanGC(ctx, GCOptions{Grace: NoGrace, StaleStaging: NoGrace})
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.ExecuteGC(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// dirNames lists a directory of the experiment.
func dirNames(t *testing.T, r *Root, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(r.path(dir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// gcRecords returns the set of paths recorded in every GC log.
func gcRecords(t *testing.T, r *Root) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	err := r.ReadHistory(func(worker string, line []byte) error {
		var ev struct{ Event, Path string }
		if err := json.Unmarshal(line, &ev); err != nil {
			return err
		}
		if ev.Event == "gc" {
			out[ev.Path] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
