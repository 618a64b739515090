package train

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"testing"

	"evo/genome"
	"evo/train/checkpoint"
)

// Soak test parameters. The default run trains soakIndividuals small digits nets, a few steps
// each; EVO_SOAK_INDIVIDUALS changes the count (at least 200) and EVO_SOAK_PROFILE names a
// directory that receives heap profiles after the first soakWarmup individuals and at the end
// (go tool pprof -base heap-warm.pprof heap-end.pprof shows what grew).
const (
	soakIndividuals = 1500
	soakWarmup      = 100
	soakPool        = 16      // parents to draw from, the oldest replaced, as in evolution
	soakMaxParams   = 4000    // keeps the nets, and the pool's checkpoints, small
	soakSlack       = 1 << 20 // bytes: the absolute floor of the allowed growth
)

// TestSoakFlatHeap trains individuals in-process as a worker does, from random mutation chains
// that start at the initial genome, each child inheriting its parent's checkpoint, and checks
// that the live heap after a full collection does not grow: at the end it may exceed the heap
// after the first soakWarmup individuals by at most 10%, or by soakSlack (1 MiB) when that is
// more, so that a heap of a few MB does not fail on a stray buffer. A model kept alive per
// individual (0.7 MB each when the graph's read targets pointed into the model) fails it by
// hundreds of MB.
func TestSoakFlatHeap(t *testing.T) {
	n := soakIndividuals
	if s := os.Getenv("EVO_SOAK_INDIVIDUALS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 2*soakWarmup {
			t.Fatalf("EVO_SOAK_INDIVIDUALS=%q: want a count of at least %d", s, 2*soakWarmup)
		}
		n = v
	}
	if testing.Short() {
		n = 3 * soakWarmup // for the race detector's run, ten times slower; still 200 past the warm-up
	}
	d := loadDigits(t)
	rng := rand.New(rand.NewPCG(1, 2))
	type member struct {
		g  *genome.Genome
		ck *checkpoint.Checkpoint
	}
	pool := []member{{g: genome.Initial(genome.Shape{H: d.H, W: d.W, C: d.C}, d.Classes)}}
	cfg := Config{Steps: 4, BatchSize: 16, EvalBatchSize: 50, MaxEvalExamples: 50, MaxParams: soakMaxParams, Logger: quiet}
	var warm uint64
	trained, tooLarge, diverged, maxParams := 0, 0, 0, int64(0)
	for trained < n {
		parent := pool[rng.IntN(len(pool))]
		child, _, err := genome.Mutate(parent.g, rng, 1+rng.IntN(2))
		if err != nil {
			t.Fatal(err)
		}
		cfg.Seed = int64(trained + tooLarge)
		var out bytes.Buffer
		res, err := Train(context.Background(), child, parent.ck, d, cfg, &out)
		if err != nil {
			t.Fatalf("individual %d: %v", trained, err)
		}
		switch res.Status {
		case StatusTooLarge:
			tooLarge++
			continue
		case StatusDiverged:
			diverged++
		}
		trained++
		maxParams = max(maxParams, res.Params)
		ck, err := checkpoint.Read(&out, checkpoint.Limits{})
		if err != nil {
			t.Fatalf("individual %d: read its checkpoint: %v", trained, err)
		}
		if len(pool) == soakPool {
			pool = pool[1:]
		}
		pool = append(pool, member{g: child, ck: ck})
		if trained == soakWarmup {
			warm = liveHeap()
			soakProfile(t, "heap-warm.pprof")
		}
	}
	end := liveHeap()
	soakProfile(t, "heap-end.pprof")
	limit := max(warm+warm/10, warm+soakSlack)
	t.Logf("%d individuals trained (%d diverged, %d too large skipped, at most %d parameters); live heap after GC: %.2f MB after %d, %.2f MB at the end (limit %.2f MB)",
		trained, diverged, tooLarge, maxParams, mb(warm), soakWarmup, mb(end), mb(limit))
	if end > limit {
		t.Errorf("live heap grew from %.2f MB after %d individuals to %.2f MB after %d: something keeps each individual's memory alive (profile with EVO_SOAK_PROFILE=dir)",
			mb(warm), soakWarmup, mb(end), trained)
	}
}

// liveHeap returns the bytes of live heap objects after two full collections (the second
// frees what finalizers released in the first).
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// soakProfile writes a heap profile named name into $EVO_SOAK_PROFILE, when that is set.
func soakProfile(t *testing.T, name string) {
	dir := os.Getenv("EVO_SOAK_PROFILE")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err == nil {
		err = pprof.Lookup("heap").WriteTo(f, 0)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		t.Fatalf("EVO_SOAK_PROFILE: %v", err)
	}
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }
