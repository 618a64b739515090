package population

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"evo/storage"
)

// Environment of a helper process (TestHelperWorker).
const (
	envHelperDir  = "EVO_POPULATION_HELPER_DIR"  // experiment directory
	envHelperHang = "EVO_POPULATION_HELPER_HANG" // a file to create when the worker hangs in its 3rd publish
)

// processConfig is the configuration shared by the helper processes.
func processConfig() Config {
	cfg := testConfig(8)
	cfg.MaxIndividuals = 60
	cfg.HeartbeatInterval = 100 * time.Millisecond
	return cfg
}

// slowTrainer gives a helper worker's children a few milliseconds of "training", so that
// the processes interleave.
type slowTrainer struct{ *fakeTrainer }

func (s slowTrainer) Train(ctx context.Context, job Job) (Outcome, error) {
	select {
	case <-ctx.Done():
		return Outcome{}, ctx.Err()
	case <-time.After(5 * time.Millisecond):
	}
	return s.fakeTrainer.Train(ctx, job)
}

// hangingStore freezes its worker inside the rename of its third publish: a worker killed
// there leaves a staging directory behind.
type hangingStore struct {
	Store
	mark string
	n    int
}

func (h *hangingStore) Stage(worker string) (Staging, error) {
	st, err := h.Store.Stage(worker)
	if err != nil {
		return nil, err
	}
	h.n++
	if h.n < 3 {
		return st, nil
	}
	return hangingStage{Staging: st, mark: h.mark}, nil
}

type hangingStage struct {
	Staging
	mark string
}

func (h hangingStage) Publish([]byte) error {
	if err := os.WriteFile(h.mark, []byte(h.ID()), 0o644); err != nil {
		return err
	}
	select {} // until SIGKILL
}

// TestHelperWorker is one worker process of TestProcesses; it does nothing in a normal run.
func TestHelperWorker(t *testing.T) {
	dir := os.Getenv(envHelperDir)
	if dir == "" {
		t.Skip("helper process for TestProcesses")
	}
	root, err := storage.Open(dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var s Store = FromStorage(root)
	if mark := os.Getenv(envHelperHang); mark != "" {
		s = &hangingStore{Store: s, mark: mark}
	}
	w, err := NewWorker(s, slowTrainer{newFakeTrainer()}, processConfig(), storage.NewWorkerID(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestProcesses runs workers as separate processes, SIGKILLs one in the middle of publishing a
// child, starts a replacement, and checks that the run completes, nothing published is lost,
// and the garbage collector reclaims the dead worker's staging.
func TestProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := testDir(t)
	root, err := storage.Init(dir, []byte(`{"test":"processes"}`), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mark := filepath.Join(t.TempDir(), "hung")
	start := func(hang bool) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWorker$", "-test.count=1")
		cmd.Env = append(os.Environ(), envHelperDir+"="+dir)
		if hang {
			cmd.Env = append(cmd.Env, envHelperHang+"="+mark)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	victim := start(true)
	others := []*exec.Cmd{start(false), start(false)}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(mark); err == nil {
			break
		}
		if time.Now().After(deadline) {
			victim.Process.Kill()
			t.Fatal("the hanging worker never reached its third publish")
		}
	}
	if err := victim.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	victim.Wait()
	staged, _ := os.ReadFile(mark)
	others = append(others, start(false))
	for i, cmd := range others {
		if err := cmd.Wait(); err != nil {
			t.Errorf("worker process %d: %v", i, err)
		}
	}

	s := FromStorage(root)
	b, _ := births(t, s)
	if len(b) < processConfig().MaxIndividuals {
		t.Errorf("%d individuals trained, want at least %d", len(b), processConfig().MaxIndividuals)
	}
	if b[string(staged)] != nil {
		t.Errorf("the child %s of the killed worker was published", staged)
	}
	ids, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	// At most the killed worker's place may be missing: it died holding a kill.
	if p := processConfig().PopulationSize; len(ids) > p || len(ids) < p-1 {
		t.Errorf("%d alive, want %d or %d", len(ids), p-1, p)
	}
	for _, id := range ids {
		if b[id] == nil {
			t.Errorf("alive %s has no birth event", id)
		}
	}
	for id, m := range b {
		if m.Parent != "" && b[m.Parent] == nil {
			t.Errorf("%s: parent %s has no birth event", id, m.Parent)
		}
	}
	leftovers, _ := os.ReadDir(filepath.Join(dir, "staging"))
	if len(leftovers) == 0 {
		t.Error("the killed worker left no staging directory; the test did not kill it mid-publish")
	}
	plan, err := root.PlanGC(context.Background(), storage.GCOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.ExecuteGC(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	if leftovers, _ := os.ReadDir(filepath.Join(dir, "staging")); len(leftovers) != 0 {
		t.Errorf("staging after GC: %d entries, want none", len(leftovers))
	}
	problems, err := root.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("check: %s", p)
	}
	t.Logf("%d processes, %d individuals, %d alive, killed worker's child %s reclaimed", 4, len(b), len(ids), staged)
}
