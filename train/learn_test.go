package train

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"evo/genome"
	"evo/train/data"
)

// quiet is a logger that drops everything.
var quiet = slog.New(slog.DiscardHandler)

func loadDigits(t *testing.T) *data.Dataset {
	t.Helper()
	d, err := data.Load(context.Background(), "digits", data.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// digitsNet is a small hand-written conv net for the 8×8 digits.
func digitsNet(t testing.TB) *genome.Genome {
	return buildGenome(t, genome.Shape{H: 8, W: 8, C: 1}, 10, 0.05, []layer{
		conv3(16, genome.BNReLU),
		{ch: 32, halfH: 1, halfW: 1, strideScale: 1, act: genome.BNReLU},
		conv3(32, genome.BNReLU),
	}, [][2]int{{1, 3}})
}

// TestLearnsDigits: a small conv genome reaches ≥ 95% validation accuracy on the embedded
// digits within a few hundred steps.
func TestLearnsDigits(t *testing.T) {
	d := loadDigits(t)
	res, err := Train(context.Background(), digitsNet(t), nil, d, Config{Steps: 400, Seed: 1, Logger: quiet}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fitness %.4f loss %.4f steps %d wall %v cpu %v rss %d MiB", res.Fitness, res.FinalLoss, res.Steps, res.Wall, res.CPU, res.PeakRSS>>20)
	if res.Status != StatusOK || res.Fitness < 0.95 {
		t.Fatalf("status %s (%s), validation accuracy %.4f, want ok and ≥ 0.95", res.Status, res.Reason, res.Fitness)
	}
	if res.Steps != 400 || res.Examples != 400*50 || res.EvalBatches != 3 {
		t.Fatalf("steps %d, examples %d, eval batches %d; want 400, 20000, 3", res.Steps, res.Examples, res.EvalBatches)
	}
}

// sharedCIFAR returns the directory holding cifar-10-batches-bin, or skips the test.
func sharedCIFAR(t *testing.T) string {
	t.Helper()
	for _, dir := range []string{filepath.Join(os.Getenv("EVO_SHARED"), "datasets"), "../../shared/datasets"} {
		if _, err := os.Stat(filepath.Join(dir, "cifar-10-batches-bin", "data_batch_1.bin")); err == nil {
			return dir
		}
	}
	t.Skip("CIFAR-10 not found under $EVO_SHARED/datasets or ../../shared/datasets")
	return ""
}

// TestInitialGenomeOnCIFAR10: the paper's initial individual trains without error on CIFAR-10
// when the shared copy is present, and beats chance.
func TestInitialGenomeOnCIFAR10(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 150 MB of CIFAR-10")
	}
	dir := sharedCIFAR(t)
	d, err := data.Load(context.Background(), "cifar10", data.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	g := genome.Initial(genome.Shape{H: 32, W: 32, C: 3}, 10)
	res, err := Train(context.Background(), g, nil, d, Config{Steps: 200, Seed: 1, Augment: true, MaxEvalExamples: 1000, Logger: quiet}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("initial genome on CIFAR-10: fitness %.4f loss %.4f wall %v", res.Fitness, res.FinalLoss, res.Wall)
	if res.Status != StatusOK || res.Fitness <= 0.12 {
		t.Fatalf("status %s (%s), accuracy %.4f; want ok and above chance (0.10)", res.Status, res.Reason, res.Fitness)
	}
}
