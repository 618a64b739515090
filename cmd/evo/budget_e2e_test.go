package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// background starts evo with args and returns the command and a channel that yields Wait's
// result once; stderr is in errb after that.
func background(t *testing.T, errb *bytes.Buffer, env []string, args ...string) (*exec.Cmd, <-chan error) {
	t.Helper()
	cmd := exec.Command(evoBin, args...)
	cmd.Env = append(append(os.Environ(), "EVO_DATA="+t.TempDir()), env...)
	cmd.Stderr = errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd, done
}

// await waits for a background command (hang guard only) and returns its error.
func await(t *testing.T, what string, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Minute):
		t.Fatalf("%s did not end", what)
		return nil
	}
}

// until polls cond until it holds (hang guard only); it fails if done yields first.
func until(t *testing.T, what string, done <-chan error, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for !cond() {
		select {
		case err := <-done:
			t.Fatalf("the command ended (%v) before %s", err, what)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestBudgetsResume is the life of a budget as a person meets it with the digits preset:
// reached, run again (nothing to do, said at once), raised with evo control, changed while a
// run is live, a run interrupted by SIGINT and resumed, and a wall budget that counts each run.
func TestBudgetsResume(t *testing.T) {
	if testing.Short() {
		t.Skip("several real runs; the default `go test ./...` runs it")
	}
	dir := filepath.Join(t.TempDir(), "exp")
	run := func(args ...string) (string, string) {
		t.Helper()
		out, errs, err := evo(t, append([]string{"run", "--dir", dir, "--workers", "1"}, args...)...)
		if err != nil {
			t.Fatalf("evo run: %v\n%s", err, errs)
		}
		return out, errs
	}

	_, errs := run("--population", "4", "--steps", "20", "--max-individuals", "8")
	if !strings.Contains(errs, "stopped: 8 individuals trained (limit 8); raise it with `evo control --max-individuals 16`") {
		t.Errorf("first run's stderr does not say why it stopped:\n%s", errs)
	}
	n0 := status(t, dir).Trained

	// Again: the total is reached, so it says so before starting any worker and finishes.
	out, errs := run()
	if !strings.Contains(errs, "nothing to do: 8 individuals trained (limit 8)") || !strings.Contains(out, "best") {
		t.Errorf("second run: stderr\n%s\nstdout\n%s", errs, out)
	}
	if n := status(t, dir).Trained; n != n0 {
		t.Errorf("a run at a reached budget trained %d more", n-n0)
	}

	// Raised: the next run goes on to the new total.
	mustEvo(t, "control", "--dir", dir, "--max-individuals", "14")
	if s := mustEvo(t, "status", "--dir", dir); !strings.Contains(s, "of 14 individuals") {
		t.Errorf("status does not show the raised budget:\n%s", s)
	}
	_, errs = run()
	if n := status(t, dir).Trained; n < 14 || !strings.Contains(errs, "(limit 14)") {
		t.Errorf("after raising to 14: trained %d; stderr\n%s", n, errs)
	}

	// Changed while a run is live: no limit at the start, then a limit a few births ahead.
	mustEvo(t, "control", "--dir", dir, "--max-individuals", "0")
	var errb bytes.Buffer
	_, done := background(t, &errb, nil, "run", "--dir", dir, "--workers", "1")
	start := status(t, dir).Trained
	until(t, "two births", done, func() bool { return status(t, dir).Trained >= start+2 })
	limit := status(t, dir).Trained + 4
	mustEvo(t, "control", "--dir", dir, "--max-individuals", strconv.Itoa(limit))
	if err := await(t, "the run with a budget set live", done); err != nil {
		t.Fatalf("run: %v\n%s", err, errb.String())
	}
	if n := status(t, dir).Trained; n < limit || n > limit+1 || !strings.Contains(errb.String(), fmt.Sprintf("(limit %d)", limit)) {
		t.Errorf("budget set live to %d: trained %d; stderr\n%s", limit, n, errb.String())
	}

	// Ctrl-C: the run stops cleanly, says so, and the next run resumes.
	mustEvo(t, "control", "--dir", dir, "--max-individuals", "0", "--max-wall", "0")
	errb.Reset()
	cmd, done := background(t, &errb, nil, "run", "--dir", dir, "--workers", "1")
	start = status(t, dir).Trained
	until(t, "a birth", done, func() bool { return status(t, dir).Trained > start })
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := await(t, "the interrupted run", done); err != nil || !strings.Contains(errb.String(), "stopped: interrupted; resume with `evo run --dir") {
		t.Errorf("after SIGINT: %v; stderr\n%s", err, errb.String())
	}
	if out := mustEvo(t, "check", "--dir", dir); !strings.Contains(out, "clean") {
		t.Errorf("check after SIGINT: %q", out)
	}

	// A wall budget counts each run, so running the same command twice makes progress twice.
	mustEvo(t, "control", "--dir", dir, "--max-wall", "2s")
	for i := range 2 {
		before := status(t, dir).Trained
		_, errs = run()
		if n := status(t, dir).Trained; n <= before || !strings.Contains(errs, "stopped: wall budget of 2s for this run reached") {
			t.Errorf("wall-budget run %d: trained %d → %d; stderr\n%s", i+1, before, n, errs)
		}
	}
}

// TestWorkerParentPipe: a worker whose parent pipe reaches EOF stops cleanly (the portable
// half of TestRunOwnsWorkers, without the Linux parent-death signal).
func TestWorkerParentPipe(t *testing.T) {
	if testing.Short() {
		t.Skip("a real worker; the default `go test ./...` runs it")
	}
	dir := filepath.Join(t.TempDir(), "exp")
	mustEvo(t, "init", "--dir", dir, "--population", "4", "--steps", "20", "--max-wall", "0")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd := exec.Command(evoBin, "worker", "--dir", dir, "--name", "piped")
	cmd.Env = append(os.Environ(), "EVO_DATA="+t.TempDir(), "EVO_PARENT_PIPE=3")
	cmd.ExtraFiles = []*os.File{r}
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	until(t, "a birth", done, func() bool { return status(t, dir).Trained > 0 })
	w.Close()
	if err := await(t, "the worker after its pipe closed", done); err != nil || !strings.Contains(errb.String(), "stopped: interrupted") {
		t.Errorf("worker: %v; stderr\n%s", err, errb.String())
	}
}

// TestControlStopReachesWorker: with the periodic control poll an hour away and a child that
// trains for far longer than the test, only fsnotify can bring `evo control --stop` to the
// worker.
func TestControlStopReachesWorker(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "exp")
	mustEvo(t, "init", "--dir", dir, "--population", "2", "--steps", "100000000", "--max-wall", "0")
	var errb bytes.Buffer
	_, done := background(t, &errb, []string{"EVO_CONTROL_POLL=1h"}, "worker", "--dir", dir, "--name", "listener")
	until(t, "the worker to train", done, func() bool {
		for _, w := range status(t, dir).WorkerStatus {
			if w.State == "training" {
				return true
			}
		}
		return false
	})
	sent := time.Now()
	mustEvo(t, "control", "--dir", dir, "--stop")
	if err := await(t, "the worker after evo control --stop", done); err != nil {
		t.Fatalf("worker: %v\n%s", err, errb.String())
	}
	t.Logf("the stop reached the worker and it exited %s after evo control --stop returned", time.Since(sent).Round(time.Millisecond))
	if !strings.Contains(errb.String(), "stopped: `evo control --stop` is in force") {
		t.Errorf("worker stderr does not say why it stopped:\n%s", errb.String())
	}
}
