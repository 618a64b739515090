package storage

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// benchParams is what a bench child is told.
type benchParams struct {
	Root    string
	Seconds float64
}

// benchResult is what a bench child reports on stdout.
type benchResult struct {
	Cycles    int     // completed cycles (list, read two records, stream the winner's checkpoint, kill, publish a child)
	LostRaces int     // cycles given up because another process killed the loser first
	Busy      float64 // seconds spent in completed and given-up cycles
}

// runBenchWorker runs tournament cycles for the given time and prints a benchResult.
func runBenchWorker() int {
	var p benchParams
	if err := json.Unmarshal([]byte(os.Getenv(benchEnv)), &p); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	r, err := Open(p.Root, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	worker := NewWorkerID()
	rng := mrand.New(mrand.NewPCG(uint64(os.Getpid()), 7))
	var res benchResult
	start := time.Now()
	for time.Since(start).Seconds() < p.Seconds {
		err := benchCycle(r, worker, rng)
		switch {
		case err == nil:
			res.Cycles++
		case errors.Is(err, ErrLostRace) || errors.Is(err, ErrGone):
			res.LostRaces++
		default:
			fmt.Fprintln(os.Stderr, err)
			return 3
		}
	}
	res.Busy = time.Since(start).Seconds()
	json.NewEncoder(os.Stdout).Encode(res)
	return 0
}

// benchCycle is one tournament-shaped cycle; the child's checkpoint is streamed from the
// parent's (read, verified, written, fsynced), as a worker reads its parent and writes its child.
func benchCycle(r *Root, worker string, rng *mrand.Rand) error {
	ids, err := r.List()
	if err != nil {
		return err
	}
	a, b := ids[rng.IntN(len(ids))], ids[rng.IntN(len(ids))]
	ra, err := r.Record(a)
	if err != nil {
		return err
	}
	rb, err := r.Record(b)
	if err != nil {
		return err
	}
	if a == b {
		return ErrLostRace
	}
	win, lose := ra, rb
	if fitnessOf(rb) > fitnessOf(ra) {
		win, lose = rb, ra
	}
	if err := r.Kill(lose.ID, worker); err != nil {
		return err
	}
	src, err := r.OpenFile(win.ID, ckFileName)
	if err != nil {
		return err
	}
	defer src.Close()
	st, err := r.Stage(worker)
	if err != nil {
		return err
	}
	w, err := st.Create(ckFileName)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, src); err != nil {
		w.Close()
		st.Abort()
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return st.Publish(fmt.Appendf(nil, `{"fitness":%g,"parent":%q}`, rng.Float64(), win.ID))
}

// seedPopulation publishes one individual with a checkpoint of size bytes and n-1 more that
// hard-link the same checkpoint (10,000 × 10 MB would not fit on a test disk; children written
// during the benchmark are real copies).
func seedPopulation(b *testing.B, r *Root, n, size int) {
	ck := make([]byte, size)
	rand.Read(ck)
	tmpl := publishTest(b, r, "seed", ck, 0.5)
	rec, err := r.Record(tmpl)
	if err != nil {
		b.Fatal(err)
	}
	for i := 1; i < n; i++ {
		id := newID(r.now())
		dir := r.path(dirStaging, "seed."+id)
		os.Mkdir(dir, 0o755)
		if err := os.Link(r.path(dirPopulation, tmpl, ckFileName), filepath.Join(dir, ckFileName)); err != nil {
			b.Fatal(err)
		}
		nr := Record{ID: id, Worker: "seed", Born: r.now(), Files: map[string]FileInfo{ckFileName: rec.Files[ckFileName]},
			Meta: fmt.Appendf(nil, `{"fitness":%g}`, float64(i)/float64(n))}
		data, _ := json.Marshal(nr)
		os.WriteFile(filepath.Join(dir, recordFileName), data, 0o644)
		if err := os.Rename(dir, r.path(dirPopulation, id)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCycles measures tournament-shaped cycles per second with 1, 8 and 64 concurrent
// processes on local disk, populations of 1,000 and 10,000, and a 10 MB checkpoint per child.
// Each sub-benchmark measures for EVO_BENCH_SECONDS (default 8) whatever b.N is; run it with
//
//	go test -run '^$' -bench Cycles -benchtime 1x ./storage/
//
// Metrics: cycles/s (all processes together), s/cycle (mean time one worker spends in storage
// per cycle), and share@10s: that time as a share of a cycle in which the child trains 10 s.
func BenchmarkCycles(b *testing.B) {
	secs := 8.0
	if s, err := strconv.ParseFloat(os.Getenv("EVO_BENCH_SECONDS"), 64); err == nil && s > 0 {
		secs = s
	}
	const size = 10 << 20
	for _, pop := range []int{1000, 10000} {
		for _, procs := range []int{1, 8, 64} {
			b.Run(fmt.Sprintf("pop=%d/procs=%d", pop, procs), func(b *testing.B) {
				root := filepath.Join(b.TempDir(), "exp")
				r, err := Init(root, []byte(`{"bench":true}`), Options{})
				if err != nil {
					b.Fatal(err)
				}
				defer r.Close()
				seedPopulation(b, r, pop, size)
				var total benchResult
				for i := 0; i < b.N; i++ {
					res := runBenchProcs(b, root, procs, secs)
					total.Cycles += res.Cycles
					total.LostRaces += res.LostRaces
					total.Busy += res.Busy
				}
				perCycle := total.Busy / float64(total.Cycles)
				b.ReportMetric(float64(total.Cycles)/(secs*float64(b.N)), "cycles/s")
				b.ReportMetric(perCycle, "s/cycle")
				b.ReportMetric(100*perCycle/(perCycle+10), "share%@10s")
				b.ReportMetric(float64(total.LostRaces)/float64(total.Cycles+total.LostRaces), "lost/cycle")
			})
		}
	}
}

// runBenchProcs runs procs bench children at once and sums their results.
func runBenchProcs(b *testing.B, root string, procs int, secs float64) benchResult {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	params, _ := json.Marshal(benchParams{Root: root, Seconds: secs})
	var mu sync.Mutex
	var total benchResult
	var wg sync.WaitGroup
	for i := 0; i < procs; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(exe, "-test.run=^$")
			cmd.Env = append(os.Environ(), childEnv+"=bench", benchEnv+"="+string(params))
			cmd.Stderr = os.Stderr
			out, err := cmd.Output()
			var res benchResult
			if err == nil {
				err = json.Unmarshal(out, &res)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				b.Errorf("bench child: %v", err)
				return
			}
			total.Cycles += res.Cycles
			total.LostRaces += res.LostRaces
			total.Busy += res.Busy
		}()
	}
	wg.Wait()
	return total
}
