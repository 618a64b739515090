//go:build unix

package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// workerPIDs reads the pids of the workers `evo run` started from their logs.
func workerPIDs(t *testing.T, dir string) []int {
	t.Helper()
	logs, _ := filepath.Glob(filepath.Join(dir, "logs", "*.log"))
	re := regexp.MustCompile(`worker starting.*pid=(\d+)`)
	var pids []int
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		for _, m := range re.FindAllSubmatch(b, -1) {
			p, _ := strconv.Atoi(string(m[1]))
			pids = append(pids, p)
		}
	}
	return pids
}

// running reports whether pid is a live process (a zombie waiting for its reaper is not).
func running(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || (s[i+2] != 'Z' && s[i+2] != 'X')
}

// TestRunOwnsWorkers SIGKILLs `evo run`: its workers end on their own (parent-death signal,
// and the pipe from the parent), nothing is damaged, and a new run resumes.
func TestRunOwnsWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("real runs; the default `go test ./...` runs it")
	}
	dir := filepath.Join(t.TempDir(), "exp")
	mustEvo(t, "init", "--dir", dir, "--population", "4", "--steps", "20", "--max-wall", "0")
	var errb bytes.Buffer
	cmd, done := background(t, &errb, nil, "run", "--dir", dir, "--workers", "2")
	until(t, "both workers and a birth", done, func() bool { return len(workerPIDs(t, dir)) == 2 && status(t, dir).Trained > 0 })
	pids := workerPIDs(t, dir)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-done
	deadline := time.Now().Add(time.Minute) // hang guard only
	for _, pid := range pids {
		for running(pid) {
			if time.Now().After(deadline) {
				syscall.Kill(pid, syscall.SIGKILL)
				t.Fatalf("worker %d still runs after its evo run was killed", pid)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if out := mustEvo(t, "check", "--dir", dir); !strings.Contains(out, "clean") {
		t.Errorf("check after SIGKILL of evo run: %q", out)
	}
	before := status(t, dir).Trained
	mustEvo(t, "control", "--dir", dir, "--max-wall", "2s")
	_, errs, err := evo(t, "run", "--dir", dir, "--workers", "1")
	if n := status(t, dir).Trained; err != nil || n <= before {
		t.Errorf("resume after SIGKILL: %v, trained %d → %d\n%s", err, before, n, errs)
	}
}
