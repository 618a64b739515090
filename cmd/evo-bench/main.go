// Command evo-bench times evo's training step on the reference nets (tiny, mid, full; see
// Reference nets in the package doc of evo/train) at a given batch size on random 32×32×3 data,
// and prints one line of key=value pairs per net (read by scripts/bench/train_vs_torch.sh):
//
//	evo net=full blas=gonum threads=2 batch=50 step_ms=… steps_per_s=… images_per_s=… gflop_per_step=… gflops=… peak_rss_mb=…
//
// Nets: tiny = the paper's initial individual (global average pool + FC); mid = 3→16 3×3,
// 16→32 3×3 stride 2, 32→32 3×3; full = 3→64, 64→64, 64→128 stride 2, 128→128, all 3×3, with
// an identity skip from the second conv's output to the last vertex. Every conv is followed by
// BN-ReLU; all end in global average pooling and a 10-way FC.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"

	"evo/genome"
	"evo/train"
	"evo/train/data"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "evo-bench:", err)
		os.Exit(1)
	}
}

func run() error {
	nets := flag.String("net", "tiny,mid,full", "comma-separated reference nets to time: tiny, mid, full")
	steps := flag.Int("steps", 20, "timed SGD steps per net")
	warmup := flag.Int("warmup", 3, "untimed SGD steps before timing")
	batch := flag.Int("batch", 50, "batch size")
	seed := flag.Int64("seed", 1, "seed for data and initialisation")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (build, warm-up and timed steps of every net) to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	d, err := randomData(*seed)
	if err != nil {
		return err
	}
	for _, name := range strings.Split(*nets, ",") {
		g, err := referenceNet(name)
		if err != nil {
			return err
		}
		cfg := train.Config{BatchSize: *batch, Seed: *seed, Logger: slog.New(slog.DiscardHandler)}
		tm, err := train.TimeSteps(context.Background(), g, d, cfg, *warmup, *steps)
		if err != nil {
			return fmt.Errorf("net %s: %w", name, err)
		}
		sec := tm.PerStep.Seconds()
		fmt.Printf("evo net=%s blas=%s threads=%d batch=%d step_ms=%.3f steps_per_s=%.2f images_per_s=%.1f gflop_per_step=%.3f gflops=%.2f peak_rss_mb=%.0f\n",
			name, train.BLAS(), runtime.GOMAXPROCS(0), *batch, sec*1e3, 1/sec, float64(*batch)/sec, float64(tm.StepFLOPs)/1e9,
			float64(tm.StepFLOPs)/1e9/sec, float64(tm.PeakRSS)/(1<<20))
	}
	return nil
}

// referenceNet returns the genome of a reference net for 32×32×3 inputs and 10 classes.
func referenceNet(name string) (*genome.Genome, error) {
	in := genome.Shape{H: 32, W: 32, C: 3}
	type conv struct{ ch, stride int }
	var convs []conv
	skip := false
	switch name {
	case "tiny":
		return genome.Initial(in, 10), nil
	case "mid":
		convs = []conv{{16, 0}, {32, 1}, {32, 0}}
	case "full":
		convs, skip = []conv{{64, 0}, {64, 0}, {128, 1}, {128, 0}}, true
	default:
		return nil, fmt.Errorf("unknown net %q: use tiny, mid or full", name)
	}
	g := &genome.Genome{Input: in, Classes: 10, LearningRate: 0.01, Vertices: []genome.Vertex{{ID: "v0", Activation: genome.Linear}}}
	for i, c := range convs {
		v := fmt.Sprintf("v%d", i+1)
		g.Vertices = append(g.Vertices, genome.Vertex{ID: v, Activation: genome.BNReLU})
		g.Edges = append(g.Edges, genome.Edge{ID: fmt.Sprintf("e%d", 100+i), From: fmt.Sprintf("v%d", i), To: v,
			Kind: genome.Conv, Channels: c.ch, HalfH: 1, HalfW: 1, StrideScale: c.stride})
	}
	if skip {
		g.Edges = append(g.Edges, genome.Edge{ID: "e200", From: "v2", To: "v4", Kind: genome.Identity, Skip: true})
	}
	g.HeadID, g.NextID = "h300", 301
	return g, g.Validate()
}

// randomData is a data set of uniformly random 32×32×3 images with random labels.
func randomData(seed int64) (*data.Dataset, error) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	split := func(n int) (*data.Split, error) {
		pix := make([]uint8, n*32*32*3)
		for i := range pix {
			pix[i] = uint8(rng.IntN(256))
		}
		labels := make([]int, n)
		for i := range labels {
			labels[i] = rng.IntN(10)
		}
		return data.NewSplit(32, 32, 3, pix, labels)
	}
	tr, err := split(500)
	if err != nil {
		return nil, err
	}
	va, err := split(50)
	if err != nil {
		return nil, err
	}
	te, err := split(50)
	if err != nil {
		return nil, err
	}
	names := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	return data.NewDataset("random", names, tr, va, te)
}
