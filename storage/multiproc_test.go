package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Environment of re-executed test binaries.
const (
	childEnv   = "EVO_STORAGE_TEST_CHILD" // "worker" or "bench"
	rootEnv    = "EVO_STORAGE_TEST_ROOT"
	tokenEnv   = "EVO_STORAGE_TEST_TOKEN"
	seedEnv    = "EVO_STORAGE_TEST_SEED"
	benchEnv   = "EVO_STORAGE_TEST_BENCH" // bench child parameters, JSON
	ckFileName = "checkpoint"
)

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "worker":
		os.Exit(runTestWorker())
	case "bench":
		os.Exit(runBenchWorker())
	}
	os.Exit(m.Run())
}

// event is one line of a test worker's history.
type event struct {
	Ev string `json:"ev"` // intent (about to kill), kill (killed), stage (staging), birth (published)
	ID string `json:"id"`
}

func fitnessOf(rec *Record) float64 {
	var m struct{ Fitness float64 }
	json.Unmarshal(rec.Meta, &m)
	return m.Fitness
}

// runTestWorker is a tournament-shaped worker: list, read two, kill the worse, publish a child
// of the better. It runs until it is killed. Unexpected errors exit with status 3.
func runTestWorker() int {
	fail := func(format string, a ...any) int { fmt.Fprintf(os.Stderr, format+"\n", a...); return 3 }
	r, err := Open(os.Getenv(rootEnv), Options{})
	if err != nil {
		return fail("open: %v", err)
	}
	worker := fmt.Sprintf("%s-%d-%s", localHost(), os.Getpid(), os.Getenv(tokenEnv))
	if _, err := r.Register(worker); err != nil {
		return fail("register: %v", err)
	}
	h, err := r.History(worker)
	if err != nil {
		return fail("history: %v", err)
	}
	seed, _ := strconv.ParseUint(os.Getenv(seedEnv), 10, 64)
	rng := rand.New(rand.NewPCG(seed, uint64(os.Getpid())))
	log := func(ev, id string) error {
		b, _ := json.Marshal(event{ev, id})
		return h.Append(b)
	}
	for cycle := 0; ; cycle++ {
		ids, err := r.List()
		if err != nil {
			return fail("list: %v", err)
		}
		if len(ids) < 2 {
			time.Sleep(time.Millisecond)
			continue
		}
		a, b := ids[rng.IntN(len(ids))], ids[rng.IntN(len(ids))]
		if a == b {
			continue
		}
		ra, err1 := r.Record(a)
		rb, err2 := r.Record(b)
		if err := errors.Join(err1, err2); err != nil {
			if errors.Is(err, ErrGone) {
				continue
			}
			return fail("record: %v", err)
		}
		win, lose := ra, rb
		if fitnessOf(rb) > fitnessOf(ra) {
			win, lose = rb, ra
		}
		ck, err := r.ReadFile(win.ID, ckFileName, 1<<20)
		if errors.Is(err, ErrGone) {
			continue
		} else if err != nil {
			return fail("read: %v", err)
		}
		if err := log("intent", lose.ID); err != nil {
			return fail("log: %v", err)
		}
		if err := r.Kill(lose.ID, worker); errors.Is(err, ErrLostRace) || errors.Is(err, ErrGone) {
			continue
		} else if err != nil {
			return fail("kill: %v", err)
		}
		if err := log("kill", lose.ID); err != nil {
			return fail("log: %v", err)
		}
		st, err := r.Stage(worker)
		if err != nil {
			return fail("stage: %v", err)
		}
		if err := log("stage", st.ID()); err != nil {
			return fail("log: %v", err)
		}
		child := append(bytes.Clone(ck[:len(ck)-1]), byte(rng.IntN(256)))
		if err := st.WriteFile(ckFileName, child); err != nil {
			return fail("write: %v", err)
		}
		if err := st.Publish(fmt.Appendf(nil, `{"fitness":%g,"parent":%q}`, rng.Float64(), win.ID)); err != nil {
			return fail("publish: %v", err)
		}
		if err := log("birth", st.ID()); err != nil {
			return fail("log: %v", err)
		}
		if cycle%16 == 0 {
			if err := r.Heartbeat(worker, fmt.Appendf(nil, `{"cycle":%d}`, cycle)); err != nil {
				return fail("heartbeat: %v", err)
			}
		}
	}
}

// proc is one re-executed worker.
type proc struct {
	cmd    *exec.Cmd
	worker string
	stderr *bytes.Buffer
	done   chan error
	killed atomic.Bool
}

func startWorker(t *testing.T, root string, seed uint64, rng *rand.Rand) *proc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	token := fmt.Sprintf("%08x", rng.Uint32())
	p := &proc{cmd: exec.Command(exe, "-test.run=^$"), stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), childEnv+"=worker", rootEnv+"="+root, tokenEnv+"="+token,
		seedEnv+"="+strconv.FormatUint(seed, 10))
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.worker = fmt.Sprintf("%s-%d-%s", localHost(), p.cmd.Process.Pid, token)
	go func() { p.done <- p.cmd.Wait() }()
	return p
}

// sigkill kills p and waits for it; it fails the test if p had already died on its own.
func (p *proc) sigkill(t *testing.T) {
	t.Helper()
	select {
	case err := <-p.done:
		t.Fatalf("worker %s exited on its own (%v): %s", p.worker, err, p.stderr)
	default:
	}
	p.killed.Store(true)
	p.cmd.Process.Kill()
	<-p.done
}

// workerEvents reads one worker's history.
func workerEvents(t *testing.T, r *Root, worker string) []event {
	t.Helper()
	var evs []event
	err := r.readOneHistory(worker, func(_ string, line []byte) error {
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			return err
		}
		evs = append(evs, e)
		return nil
	})
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return evs
}

// places says where ids are: alive, graves (id → killers) and GC records (id → grave paths).
type places struct {
	alive  map[string]bool
	graves map[string][]string
	gced   map[string][]string
}

func scanPlaces(t *testing.T, r *Root) places {
	t.Helper()
	pl := places{alive: map[string]bool{}, graves: map[string][]string{}, gced: map[string][]string{}}
	ids, err := r.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		pl.alive[id] = true
	}
	for _, n := range dirNames(t, r, dirGraveyard) {
		if id, _, killer, ok := parseGrave(n); ok {
			pl.graves[id] = append(pl.graves[id], killer)
		}
	}
	for p := range gcRecords(t, r) {
		if id, _, killer, ok := parseGrave(filepath.Base(p)); ok {
			pl.gced[id] = append(pl.gced[id], killer)
		}
	}
	return pl
}

func (pl places) killedBy(id, worker string) bool {
	for _, k := range append(append([]string(nil), pl.graves[id]...), pl.gced[id]...) {
		if k == worker {
			return true
		}
	}
	return false
}

func (pl places) exists(id string) bool {
	return pl.alive[id] || len(pl.graves[id]) > 0 || len(pl.gced[id]) > 0
}

// refill restores the set-point after a worker died between its kill and its publish: the dead
// worker's slot is refilled before its replacement starts, exactly as that worker would have.
func refill(t *testing.T, r *Root, worker string) bool {
	evs := workerEvents(t, r, worker)
	last := -1
	for i, e := range evs {
		if e.Ev == "intent" {
			last = i
		}
	}
	if last < 0 {
		return false
	}
	pl := scanPlaces(t, r)
	if !pl.killedBy(evs[last].ID, worker) {
		return false
	}
	for _, e := range evs[last+1:] {
		if e.Ev == "birth" || e.Ev == "stage" && pl.exists(e.ID) {
			return false
		}
	}
	publishTest(t, r, "refill", make([]byte, 4096), 0.5)
	return true
}

// TestMultiProcess runs 16 worker processes doing tournament cycles on one experiment for 20 s
// (3 s with -short) while SIGKILLing random workers and starting replacements, with a garbage
// collector running alongside, then checks the invariants of the protocol.
func TestMultiProcess(t *testing.T) {
	const workers, setpoint = 16, 48
	dur := 20 * time.Second
	if testing.Short() {
		dur = 3 * time.Second
	}
	root := filepath.Join(t.TempDir(), "exp")
	r, err := Init(root, []byte(`{"test":"multiprocess"}`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := 0; i < setpoint; i++ {
		publishTest(t, r, "seed", make([]byte, 4096), float64(i)/setpoint)
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	procs := make([]*proc, workers)
	for i := range procs {
		procs[i] = startWorker(t, root, seed+uint64(i), rng)
	}
	defer func() {
		for _, p := range procs {
			p.cmd.Process.Kill()
		}
	}()

	var minAlive, maxAlive atomic.Int64
	minAlive.Store(setpoint)
	maxAlive.Store(setpoint)
	samples := atomic.Int64{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			ids, err := r.List()
			if err != nil {
				continue
			}
			n := int64(len(ids))
			samples.Add(1)
			if n < minAlive.Load() {
				minAlive.Store(n)
			}
			if n > maxAlive.Load() {
				maxAlive.Store(n)
			}
		}
	}()

	ctx := context.Background()
	sigkills, refills, gcRuns := 0, 0, 0
	lastGC := time.Now()
	// At least three SIGKILLs whatever the machine's load (a loaded machine may fit fewer
	// into the duration).
	for deadline := time.Now().Add(dur); time.Now().Before(deadline) || sigkills < 3; {
		time.Sleep(time.Duration(100+rng.IntN(500)) * time.Millisecond)
		i := rng.IntN(workers)
		procs[i].sigkill(t)
		sigkills++
		if refill(t, r, procs[i].worker) {
			refills++
		}
		procs[i] = startWorker(t, root, seed+uint64(workers+sigkills), rng)
		if time.Since(lastGC) > time.Second {
			plan, err := r.PlanGC(ctx, GCOptions{Grace: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if res, _ := r.ExecuteGC(ctx, plan); res.Failed > 0 {
				t.Errorf("gc failures: %+v", res)
			}
			gcRuns++
			lastGC = time.Now()
		}
	}
	for _, p := range procs {
		p.sigkill(t)
	}
	close(stop)
	wg.Wait()

	// Every kill and birth in the histories is accounted for.
	pl := scanPlaces(t, r)
	kills, births := 0, 0
	r.ReadHistory(func(worker string, line []byte) error {
		var e event
		json.Unmarshal(line, &e)
		switch e.Ev {
		case "kill":
			kills++
			if !pl.killedBy(e.ID, worker) {
				t.Errorf("%s logged killing %s, but there is neither a grave nor a GC record", worker, e.ID)
			}
		case "birth":
			births++
			if !pl.exists(e.ID) {
				t.Errorf("%s logged the birth of %s, which is nowhere", worker, e.ID)
			}
		}
		return nil
	})
	for id, killers := range pl.graves {
		if len(killers) > 1 || pl.alive[id] {
			t.Errorf("id %s is in more than one place: alive %v, graves by %v", id, pl.alive[id], killers)
		}
	}
	// The staging area is empty after a GC with zero grace, and nothing is wrong.
	plan, err := r.PlanGC(ctx, GCOptions{StaleStaging: NoGrace})
	if err != nil {
		t.Fatal(err)
	}
	r.ExecuteGC(ctx, plan)
	if s := dirNames(t, r, dirStaging); len(s) != 0 {
		t.Errorf("staging not empty after GC: %v", s)
	}
	mustCheckClean(t, r)
	lo, hi := minAlive.Load(), maxAlive.Load()
	t.Logf("%v: %d births, %d kills, %d SIGKILLs, %d refills, %d GC runs; alive in [%d, %d] over %d samples",
		dur, births, kills, sigkills, refills, gcRuns, lo, hi, samples.Load())
	if lo < setpoint-workers || hi > setpoint {
		t.Errorf("alive count left [%d, %d]: saw [%d, %d]", setpoint-workers, setpoint, lo, hi)
	}
	if births < 10 || kills < 10 || sigkills < 3 {
		t.Errorf("too little happened to prove anything: %d births, %d kills, %d SIGKILLs", births, kills, sigkills)
	}
}
