package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"evo/storage"
)

// lockedBuffer is a bytes.Buffer safe for a command writing while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// graves makes an experiment with n killed individuals of about 1 kB each, killed age ago.
func graves(t *testing.T, n int, age time.Duration) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "exp")
	mustRun(t, "init", "--dir", dir)
	r, err := storage.Open(dir, storage.Options{Now: func() time.Time { return time.Now().Add(-age) }})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for range n {
		s, err := r.Stage("w1")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.WriteFile("checkpoint", bytes.Repeat([]byte("x"), 1000)); err != nil {
			t.Fatal(err)
		}
		if err := s.Publish([]byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		if err := r.Kill(s.ID(), "k1"); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestGCGraveyardBudget: `evo status` shows the graveyard's size, and `evo gc
// --max-graveyard-bytes` removes graves before their grace to fit the budget.
func TestGCGraveyardBudget(t *testing.T) {
	dir := graves(t, 3, 30*time.Minute)
	if out := mustRun(t, "status", "--dir", dir); !strings.Contains(out, "graveyard   3 graves, ") {
		t.Errorf("status does not show the graveyard:\n%s", out)
	}
	if out := mustRun(t, "gc", "--dir", dir); !strings.Contains(out, "0 removed") {
		t.Errorf("gc within grace and without a budget removed something:\n%s", out)
	}
	out := mustRun(t, "gc", "--dir", dir, "--max-graveyard-bytes", "1")
	if !strings.Contains(out, "3 removed") || !strings.Contains(out, "over budget") {
		t.Errorf("gc over budget:\n%s", out)
	}
	if out := mustRun(t, "status", "--dir", dir); !strings.Contains(out, "graveyard   0 graves, 0B") {
		t.Errorf("status after gc:\n%s", out)
	}
}

// TestGCLoopSurvivesFailedPass: a pass that fails (here the graveyard cannot be listed) is
// logged and retried; the loop ends only when interrupted.
func TestGCLoopSurvivesFailedPass(t *testing.T) {
	dir := graves(t, 2, 2*storage.DefaultGrace)
	gy := filepath.Join(dir, "graveyard")
	var out, errb lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- newApp(&out, &errb).RunContext(ctx, []string{"evo", "gc", "--dir", dir, "--loop", "--every", "5ms"})
	}()
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); !ok(); time.Sleep(5 * time.Millisecond) { // hang guard only
			select {
			case err := <-done:
				t.Fatalf("gc --loop exited while waiting for %s: %v\nstdout:\n%s\nstderr:\n%s", what, err, out.String(), errb.String())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %s\nstdout:\n%s\nstderr:\n%s", what, out.String(), errb.String())
			}
		}
	}
	waitFor("first pass", func() bool { return strings.Contains(out.String(), "2 removed") })
	// The graveyard becomes unreadable (here: a file in its place) while the loop runs.
	if err := os.Rename(gy, gy+".away"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(gy, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor("failed passes", func() bool { return strings.Count(errb.String(), "gc pass failed; retrying") >= 2 })
	if err := os.Remove(gy); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(gy+".away", gy); err != nil {
		t.Fatal(err)
	}
	passes := strings.Count(out.String(), "gc: ")
	waitFor("a pass after the repair", func() bool { return strings.Count(out.String(), "gc: ") > passes })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("gc --loop after interruption: %v", err)
	}
}

// TestClockOffset: EVO_CLOCK_OFFSET shifts the times the process writes (here a grave's time
// of death, which makes a fresh grave look old to the collector); a bad value is refused.
func TestClockOffset(t *testing.T) {
	dir := graves(t, 1, 0)
	if out := mustRun(t, "gc", "--dir", dir); !strings.Contains(out, "0 removed") {
		t.Fatalf("fresh grave removed:\n%s", out)
	}
	t.Setenv("EVO_CLOCK_OFFSET", "2h")
	if out := mustRun(t, "gc", "--dir", dir); !strings.Contains(out, "1 removed") {
		t.Errorf("collector two hours ahead kept the grave:\n%s", out)
	}
	t.Setenv("EVO_CLOCK_OFFSET", "soon")
	if _, _, err := evoIn(t, "gc", "--dir", dir); err == nil || !strings.Contains(err.Error(), "EVO_CLOCK_OFFSET") {
		t.Errorf("bad EVO_CLOCK_OFFSET: %v", err)
	}
}
