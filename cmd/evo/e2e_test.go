package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The end-to-end tests run the real evo binary, because `evo run` starts workers by re-executing
// itself. TestMain builds it once.
var evoBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "evo-e2e-")
	if err != nil {
		panic(err)
	}
	evoBin = filepath.Join(dir, "evo")
	build := exec.Command("go", "build", "-o", evoBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		panic("build evo for the end-to-end tests: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// evo runs the binary and returns stdout, stderr and the error.
func evo(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command(evoBin, args...)
	cmd.Env = append(os.Environ(), "EVO_DATA="+t.TempDir())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

func mustEvo(t *testing.T, args ...string) string {
	t.Helper()
	out, errs, err := evo(t, args...)
	if err != nil {
		t.Fatalf("evo %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errs)
	}
	return out
}

type statusJSON struct {
	Alive   int `json:"alive"`
	Trained int `json:"trained"`
	Best    struct {
		ID      string  `json:"id"`
		Fitness float64 `json:"fitness"`
	} `json:"best"`
	FLOPsTotal   float64 `json:"flops_total"`
	Workers      int     `json:"workers"`
	WorkerStatus []struct {
		Worker string `json:"worker"`
		State  string `json:"state"`
	} `json:"worker_status"`
}

func status(t *testing.T, dir string) statusJSON {
	t.Helper()
	var s statusJSON
	if err := json.Unmarshal([]byte(mustEvo(t, "status", "--dir", dir, "--json")), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRunDigits is the README's main command at a small budget: two workers, the built-in data.
func TestRunDigits(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "exp")
	// 150 steps, as the default: with 30 the best of 24 individuals was sometimes still at chance.
	out := mustEvo(t, "run", "--dir", dir, "--workers", "2", "--population", "6", "--steps", "150",
		"--max-individuals", "24", "--json")
	var sum struct {
		Status       statusJSON `json:"status"`
		TestAccuracy *float64   `json:"test_accuracy"`
		TestExamples int        `json:"test_examples"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("run --json output: %v\n%s", err, out)
	}
	if sum.Status.Trained < 24 || sum.Status.Alive < 4 || sum.Status.Alive > 6 {
		t.Errorf("trained %d (want ≥ 24), alive %d (want 4..6)", sum.Status.Trained, sum.Status.Alive)
	}
	if sum.TestAccuracy == nil {
		t.Errorf("no test accuracy in the summary:\n%s", out)
	} else if *sum.TestAccuracy <= 0.1 || sum.TestExamples != 270 {
		t.Errorf("test accuracy %v on %d examples: want above chance (0.1) on the 270 test digits", *sum.TestAccuracy, sum.TestExamples)
	}
	if sum.Status.FLOPsTotal <= 0 || sum.Status.Best.ID == "" {
		t.Errorf("status %+v", sum.Status)
	}
	// Running again resumes: the budget is already met, so it ends at once with the same best.
	again := status(t, dir)
	mustEvo(t, "run", "--dir", dir, "--workers", "1")
	if s := status(t, dir); s.Trained < again.Trained || s.Best.Fitness < again.Best.Fitness {
		t.Errorf("resume lost work: before %+v after %+v", again, s)
	}
	// Settings that contradict experiment.json are refused.
	if _, errs, err := evo(t, "run", "--dir", dir, "--population", "99"); err == nil || !strings.Contains(errs, "other settings") {
		t.Errorf("conflicting settings: err %v, stderr %q", err, errs)
	}
	if out := mustEvo(t, "check", "--dir", dir); !strings.Contains(out, "clean") {
		t.Errorf("check: %q", out)
	}
	// Flags may follow the id, as people type them.
	if out := mustEvo(t, "show", "best", "--dir", dir, "--json"); !strings.Contains(out, sum.Status.Best.ID) {
		t.Errorf("show best --dir: %q", out)
	}
	logs, _ := os.ReadDir(filepath.Join(dir, "logs"))
	if len(logs) < 2 {
		t.Errorf("want a log per worker in logs/, got %d files", len(logs))
	}
}

// TestCrashAndResume SIGKILLs two workers, one in the middle of training a child and one while
// it writes a child to staging/, starts another, and checks the run completes, nothing is
// damaged, and the killed workers' staging is reclaimed.
func TestCrashAndResume(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "exp")
	const budget = 150
	mustEvo(t, "init", "--dir", dir, "--population", "4", "--steps", "300", "--max-individuals", strconv.Itoa(budget))
	start := func(name string) (*exec.Cmd, <-chan error) {
		cmd := exec.Command(evoBin, "worker", "--dir", dir, "--name", name, "--threads", "1")
		cmd.Env = append(os.Environ(), "EVO_DATA="+t.TempDir())
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// done yields Wait's result to every receiver: it is closed after one buffered send.
		done := make(chan error, 1)
		exited := make(chan struct{})
		go func() { err := cmd.Wait(); close(exited); done <- err; close(done) }()
		t.Cleanup(func() { cmd.Process.Kill(); <-exited })
		return cmd, done
	}
	kill := func(cmd *exec.Cmd, done <-chan error) {
		t.Helper()
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err == nil {
			t.Fatal("the victim exited cleanly before the SIGKILL landed")
		}
	}
	// waitFor polls cond every millisecond until it holds; it fails if the worker ends first.
	waitFor := func(what string, done <-chan error, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute)
		for !cond() {
			select {
			case err := <-done:
				t.Fatalf("the worker ended (%v) before %s", err, what)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(time.Millisecond)
		}
	}
	count := func(pattern string) int {
		m, _ := filepath.Glob(filepath.Join(dir, pattern))
		return len(m)
	}

	// Victim 1 fills the population, then dies in the middle of a reproduction: a child trains
	// for most of a cycle, so a kill some way into tournaments almost always lands in training.
	v1, done1 := start("victim1")
	waitFor("the population to fill", done1, func() bool { return count("population/*") >= 4 && count("graveyard/*") >= 3 })
	kill(v1, done1)

	// Victim 2 dies while it writes a child to staging/.
	v2, done2 := start("victim2")
	waitFor("victim2 to stage a child", done2, func() bool { return count("staging/victim2.*") > 0 })
	kill(v2, done2)
	if count("staging/victim2.*") == 0 {
		t.Fatal("expected victim2's half-written child in staging/")
	}

	// A replacement finishes the run.
	_, done := start("replacement")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("replacement worker: %v", err)
		}
	case <-time.After(4 * time.Minute):
		t.Fatal("the replacement worker did not finish the run")
	}
	// Each victim may have died holding a debt (it had killed and not yet published); until its
	// heartbeat goes stale the replacement counts that debt, so the population may end short:
	// the bound is alive ∈ [P − W, P] with W = 3 workers.
	if s := status(t, dir); s.Trained < budget || s.Alive < 1 || s.Alive > 4 {
		t.Errorf("after resume: trained %d (want ≥ %d), alive %d (want 1..4)", s.Trained, budget, s.Alive)
	}
	// The victims' locks are free (they are dead), so GC reclaims their staging at any age.
	mustEvo(t, "gc", "--dir", dir)
	if n := count("staging/*"); n != 0 {
		t.Errorf("staging not reclaimed: %d entries", n)
	}
	if out := mustEvo(t, "check", "--dir", dir); !strings.Contains(out, "clean") {
		t.Errorf("check after crash: %q", out)
	}
}

// TestBadInput: every mistake gets a one-line reason that names the culprit, and nothing is lost.
func TestBadInput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "exp")
	mustEvo(t, "run", "--dir", dir, "--workers", "1", "--population", "3", "--steps", "10", "--max-individuals", "5")
	before := status(t, dir)

	t.Run("corrupt individual", func(t *testing.T) {
		ids, _ := os.ReadDir(filepath.Join(dir, "population"))
		victim := filepath.Join(dir, "population", ids[0].Name(), "genome.json")
		if err := os.WriteFile(victim, []byte(`{"format_version": 1, "garbage": true}`), 0o644); err != nil {
			t.Fatal(err)
		}
		s := status(t, dir)
		if s.Alive != before.Alive {
			t.Errorf("alive %d, want %d (a corrupt entry still counts as present)", s.Alive, before.Alive)
		}
		_, errs, err := evo(t, "check", "--dir", dir)
		if err == nil || !strings.Contains(errs, "evo check --repair") {
			t.Errorf("check on a corrupt individual: err %v, stderr %q", err, errs)
		}
		mustEvo(t, "check", "--dir", dir, "--repair")
		if q, _ := os.ReadDir(filepath.Join(dir, "quarantine")); len(q) != 1 {
			t.Errorf("quarantine holds %d entries, want the 1 corrupt individual", len(q))
		}
		mustEvo(t, "check", "--dir", dir)
	})
	t.Run("wrong experiment.json", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad")
		mustEvo(t, "init", "--dir", bad)
		cfg := filepath.Join(bad, "experiment.json")
		os.Chmod(cfg, 0o644)
		if err := os.WriteFile(cfg, []byte(`{"format_version": 1, "dataset": "digits", "populaton": 5}`), 0o644); err != nil {
			t.Fatal(err)
		}
		_, errs, err := evo(t, "status", "--dir", bad)
		if err == nil || !strings.Contains(errs, "experiment.json") || !strings.Contains(errs, "populaton") {
			t.Errorf("err %v, stderr %q: want the file and the bad field named", err, errs)
		}
	})
	t.Run("unknown data set", func(t *testing.T) {
		_, errs, err := evo(t, "init", "--dir", filepath.Join(t.TempDir(), "x"), "--dataset", "imagenet")
		if err == nil || !strings.Contains(errs, `"imagenet"`) || !strings.Contains(errs, "cifar10") {
			t.Errorf("err %v, stderr %q", err, errs)
		}
	})
	t.Run("missing data directory", func(t *testing.T) {
		x := filepath.Join(t.TempDir(), "x")
		missing := filepath.Join(t.TempDir(), "no-such-data")
		_, errs, err := evo(t, "run", "--dir", x, "--preset", "cifar10-small", "--data", missing, "--download=false")
		if err == nil || !strings.Contains(errs, "no-such-data") {
			t.Errorf("err %v, stderr %q: want the data directory named", err, errs)
		}
	})
	t.Run("not an experiment", func(t *testing.T) {
		_, errs, err := evo(t, "status", "--dir", t.TempDir())
		if err == nil || !strings.Contains(errs, "evo init") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("err %v, stderr %q: want one line pointing at evo init", err, errs)
		}
	})
}
