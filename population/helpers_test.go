package population

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"evo/genome"
	"evo/storage"
)

// testInput and testClasses are the shape of the fake data set.
var testInput = genome.Shape{H: 8, W: 8, C: 1}

const testClasses = 10

// fakeJob is what the fake trainer saw of one job.
type fakeJob struct {
	ParentNil bool
	Arch      string
	Genome    []byte
}

// fakeTrainer trains nothing: fitness rewards convolutions (selection has something to find),
// plus a little seed-derived noise; the "checkpoint" lists the genome's tensor ids.
type fakeTrainer struct {
	mu   sync.Mutex
	jobs map[int64]fakeJob // by seed

	// fail, if set, may turn a job into an error or a non-ok outcome.
	fail func(job Job, n int) (Outcome, error, bool)
	// block makes Train wait for ctx to end.
	block bool
	// onTrain runs at the start of every job with the job's ordinal.
	onTrain func(n int)
	n       int
}

func newFakeTrainer() *fakeTrainer { return &fakeTrainer{jobs: map[int64]fakeJob{}} }

// fakeFitness is in [0.1, 0.95]: more convolutions (up to 8) are better.
func fakeFitness(g *genome.Genome, seed int64) float64 {
	c := math.Min(float64(countConvs(g)), 8)
	noise := rand.New(rand.NewPCG(uint64(seed), 1)).Float64() * 0.02
	return 0.1 + 0.1*c + noise - 0.02*float64(max(countConvs(g)-8, 0))
}

const (
	fakeSteps     = 10
	fakeStepFLOPs = 1000
	fakeEvalFLOPs = 100
	fakeEvalBatch = 3
	fakeCost      = fakeSteps*fakeStepFLOPs + fakeEvalFLOPs*fakeEvalBatch
)

func (f *fakeTrainer) Train(ctx context.Context, job Job) (Outcome, error) {
	f.mu.Lock()
	f.n++
	n := f.n
	enc, err := genome.Encode(job.Genome)
	if err != nil {
		f.mu.Unlock()
		return Outcome{}, err
	}
	f.jobs[job.Seed] = fakeJob{ParentNil: job.Parent == nil, Arch: genome.ArchHash(job.Genome), Genome: enc}
	hook, fail, block := f.onTrain, f.fail, f.block
	f.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	if block {
		<-ctx.Done()
		return Outcome{}, ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return Outcome{}, err
	}
	if fail != nil {
		if out, err, ok := fail(job, n); ok {
			return out, err
		}
	}
	specs, err := job.Genome.Tensors()
	if err != nil {
		return Outcome{}, err
	}
	ids := make([]string, len(specs))
	for i, s := range specs {
		ids[i] = s.ID
	}
	if err := json.NewEncoder(job.Out).Encode(map[string]any{"seed": job.Seed, "tensors": ids}); err != nil {
		return Outcome{}, err
	}
	out := Outcome{Fitness: fakeFitness(job.Genome, job.Seed), Status: StatusOK, Steps: fakeSteps,
		FinalLoss: 0.5, StepFLOPs: fakeStepFLOPs, EvalBatchFLOPs: fakeEvalFLOPs, EvalBatches: fakeEvalBatch,
		Wall: time.Millisecond, CPU: time.Millisecond}
	if job.Parent == nil {
		out.Reinitialised = ids
	} else {
		out.Inherited, out.InheritedFraction = ids, 1
	}
	return out, nil
}

func (f *fakeTrainer) job(seed int64) (fakeJob, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j, ok := f.jobs[seed]
	return j, ok
}

// testDir is a fresh directory for an experiment. The worker loop fsyncs on every publish,
// kill and history event; on this project's virtual disks that makes a run ten times slower
// than on a RAM file system, so tests use /dev/shm where it exists. EVO_TEST_DISK=1 runs them
// on t.TempDir() instead.
func testDir(t testing.TB) string {
	t.Helper()
	if os.Getenv("EVO_TEST_DISK") == "" {
		if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
			if dir, err := os.MkdirTemp("/dev/shm", "evo-population-test-"); err == nil {
				t.Cleanup(func() { os.RemoveAll(dir) })
				return dir
			}
		}
	}
	return t.TempDir()
}

// newRoot creates an experiment directory in a fresh temporary directory.
func newRoot(t testing.TB) *storage.Root {
	t.Helper()
	r, err := storage.Init(testDir(t), []byte(`{"test":true}`), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// testConfig is a small experiment.
func testConfig(p int) Config {
	return Config{Seed: 7, Input: testInput, Classes: testClasses, PopulationSize: p,
		HeartbeatInterval: time.Second, ControlPoll: 5 * time.Millisecond, StopCheckInterval: time.Nanosecond}
}

// runWorkers runs w workers to completion and returns their errors.
func runWorkers(ctx context.Context, t testing.TB, s Store, tr Trainer, cfg Config, w int) []error {
	t.Helper()
	errs := make([]error, w)
	var wg sync.WaitGroup
	for i := range w {
		wk, err := NewWorker(s, tr, cfg, fmt.Sprintf("w%03d-%s", i, storage.NewWorkerID()), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() { errs[i] = wk.Run(ctx) })
	}
	wg.Wait()
	return errs
}

// runClean runs w workers to completion and fails the test on the first worker's error.
func runClean(t testing.TB, s Store, tr Trainer, cfg Config, w int) {
	t.Helper()
	for _, err := range runWorkers(context.Background(), t, s, tr, cfg, w) {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// births returns the birth metadata of the history, by id, and the kill events.
func births(t testing.TB, s Reader) (map[string]*Meta, []Event) {
	t.Helper()
	b := map[string]*Meta{}
	var kills []Event
	if _, err := ReadEvents(s, func(e Event) error {
		switch e.Event {
		case EventBirth:
			b[e.Meta.ID] = e.Meta
		case EventKill:
			kills = append(kills, e)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return b, kills
}

// sortedByStart returns metas by reproduction start.
func sortedByStart(b map[string]*Meta) []*Meta {
	out := make([]*Meta, 0, len(b))
	for _, m := range b {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Started.Before(out[j].Started) })
	return out
}

// testNow is the wall clock, for queries after a run.
func testNow() time.Time { return time.Now() }
