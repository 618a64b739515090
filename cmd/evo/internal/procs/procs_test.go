package procs

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The test binary is its own child process: with EVO_PROCS_TEST_CHILD set, it checks that it
// got the parent's pipe as fd 3 and exits at once.
func TestMain(m *testing.M) {
	if os.Getenv("EVO_PROCS_TEST_CHILD") != "" {
		if os.Getenv(ParentPipeEnv) != "3" || os.NewFile(3, "pipe") == nil {
			os.Exit(4)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestSupervise(t *testing.T) {
	t.Setenv("EVO_PROCS_TEST_CHILD", "1")
	dir := t.TempDir()
	var names []string
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a hang guard
	defer cancel()
	err := Supervise(ctx, slog.New(slog.DiscardHandler), 2, dir, func(name string) []string {
		names = append(names, name)
		return []string{"-test.run=^$"}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || !strings.HasPrefix(names[0], "run-") || !strings.HasSuffix(names[0], "-w2-0") {
		t.Fatalf("worker names %v: want one run-HOST-PID-w2-0", names)
	}
	if _, err := os.Stat(filepath.Join(dir, names[0]+".log")); err != nil {
		t.Errorf("no log file: %v", err)
	}
}

func TestWatchParent(t *testing.T) {
	t.Setenv(ParentPipeEnv, "")
	if err := WatchParent(context.Background(), func() {}); err != nil {
		t.Errorf("no pipe: %v", err)
	}
	for _, bad := range []string{"x", "1"} {
		t.Setenv(ParentPipeEnv, bad)
		if err := WatchParent(context.Background(), func() {}); err == nil {
			t.Errorf("%s=%s accepted", ParentPipeEnv, bad)
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(ParentPipeEnv, strconv.Itoa(int(r.Fd())))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := WatchParent(ctx, cancel); err != nil {
		t.Fatal(err)
	}
	w.Close() // the parent ends
	select {
	case <-ctx.Done():
	case <-time.After(time.Minute): // a hang guard
		t.Fatal("the end of the parent's pipe did not cancel the worker")
	}
}
