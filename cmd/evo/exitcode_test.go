package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// exitCode is the exit status of a finished command (0 when err is nil).
func exitCode(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("not an exit status: %v", err)
	}
	return ee.ExitCode()
}

// envWithout is the environment minus the named variables.
func envWithout(names ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		keep := true
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				keep = false
			}
		}
		if keep {
			env = append(env, kv)
		}
	}
	return env
}

func TestWorkerExitCannotStart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "exp")
	_, errs, err := evo(t, "worker", "--dir", dir)
	if got := exitCode(t, err); got != exitCannotStart {
		t.Errorf("worker on a missing experiment: exit %d, want %d (stderr %q)", got, exitCannotStart, errs)
	}
	mustEvo(t, "init", "--dir", dir)
	_, errs, err = evo(t, "worker", "--dir", dir, "--no-such-flag")
	if got := exitCode(t, err); got != exitCannotStart {
		t.Errorf("worker with a bad flag: exit %d, want %d (stderr %q)", got, exitCannotStart, errs)
	}
}

func TestWorkerExitMissingRecordedData(t *testing.T) {
	tmp := t.TempDir()
	dataDir, dir := filepath.Join(tmp, "data"), filepath.Join(tmp, "exp")
	// init refuses a data directory that does not exist.
	if _, _, err := evo(t, "init", "--dir", dir, "--dataset", "cifar10", "--data", dataDir); exitCode(t, err) != exitCannotStart {
		t.Fatalf("init --data with a missing directory: %v, want exit %d", err, exitCannotStart)
	}
	if err := os.Mkdir(dataDir, 0o755); err != nil {
		t.Fatal(err)
	}
	mustEvo(t, "init", "--dir", dir, "--dataset", "cifar10", "--data", dataDir)
	b, err := os.ReadFile(filepath.Join(dir, "experiment.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"data_dir":"`+dataDir+`"`) && !strings.Contains(string(b), `"data_dir": "`+dataDir+`"`) {
		t.Fatalf("experiment.json does not record the data directory %s:\n%s", dataDir, b)
	}
	// No EVO_DATA: the worker must use the recorded directory, find nothing there, and refuse
	// to download (the test would otherwise try the network).
	cmd := exec.Command(evoBin, "worker", "--dir", dir)
	cmd.Env = append(envWithout("EVO_DATA", "EVO_DOWNLOAD"), "HOME="+tmp, "XDG_CACHE_HOME="+filepath.Join(tmp, "cache"))
	out, err := cmd.CombinedOutput()
	if got := exitCode(t, err); got != exitCannotStart {
		t.Fatalf("worker with missing staged data: exit %d, want %d\n%s", got, exitCannotStart, out)
	}
	for _, want := range []string{dataDir, "evo data --data " + dataDir + " --dataset cifar10"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("error does not name %q:\n%s", want, out)
		}
	}
	if entries, _ := os.ReadDir(dataDir); len(entries) != 0 {
		t.Errorf("the worker wrote into the data directory (it must not download): %v", entries)
	}
}

func TestDataCommandStagesDigits(t *testing.T) {
	out := mustEvo(t, "data", "--data", t.TempDir(), "--dataset", "digits")
	if !strings.Contains(out, "data set digits ready") {
		t.Errorf("evo data: %q", out)
	}
}

// startWorker starts `evo worker` and returns once it logged that it started.
func startWorker(t *testing.T, dir, name string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(evoBin, "worker", "--dir", dir, "--name", name, "--threads", "1")
	cmd.Env = append(os.Environ(), "EVO_DATA="+t.TempDir())
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := false
		for sc.Scan() {
			if !once && strings.Contains(sc.Text(), "worker starting") {
				once = true
				close(started)
			}
		}
	}()
	select {
	case <-started:
	case <-time.After(2 * time.Minute): // hang guard only
		cmd.Process.Kill()
		t.Fatal("worker did not start within 2 minutes")
	}
	return cmd
}

func TestWorkerExitSignalAndStop(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "exp")
	mustEvo(t, "init", "--dir", dir)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		cmd := startWorker(t, dir, "sig-"+strings.ToLower(sig.String()[:3]))
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		if got, want := exitCode(t, cmd.Wait()), exitSignalBase+int(sig); got != want {
			t.Errorf("worker stopped by %v: exit %d, want %d (an evicted worker must not look finished)", sig, got, want)
		}
	}
	// After `evo control --stop` the run is over: a worker exits 0 and a controller should not
	// restart it.
	cmd := startWorker(t, dir, "stopped")
	mustEvo(t, "control", "--dir", dir, "--stop")
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if got := exitCode(t, err); got != 0 {
			t.Errorf("worker after a stop request: exit %d, want 0", got)
		}
	case <-time.After(3 * time.Minute): // hang guard only
		cmd.Process.Kill()
		t.Fatal("worker did not stop within 3 minutes of `evo control --stop`")
	}
	if _, _, err := evo(t, "worker", "--dir", dir); exitCode(t, err) != 0 {
		t.Errorf("a new worker on a stopped run: %v, want exit 0", err)
	}
}
