package data

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// sharedDatasets finds the read-only shared data folder ($EVO_SHARED/datasets, else
// ../../../shared/datasets from this package, i.e. /work/shared when the repository is
// /work/main) or skips the test.
func sharedDatasets(t *testing.T) string {
	t.Helper()
	var candidates []string
	if s := os.Getenv("EVO_SHARED"); s != "" {
		candidates = append(candidates, filepath.Join(s, "datasets"))
	}
	candidates = append(candidates, filepath.Join("..", "..", "..", "shared", "datasets"))
	for _, c := range candidates {
		if _, err := os.Stat(filepath.Join(c, "cifar-10-batches-bin", "data_batch_1.bin")); err == nil {
			return c
		}
	}
	t.Skipf("no CIFAR-10 copy in %v: set EVO_SHARED to the folder holding datasets/cifar-10-batches-bin to run this test", candidates)
	return ""
}

// TestRealCIFAR10 checks the shared CIFAR-10 copy: counts, the per-class counts of the fixed
// split, and per-channel statistics near the official ones.
//
// The split is not class-balanced: the last 5,000 records of data_batch_5.bin hold between 475
// and 532 images per class (measured on the shared copy, whose train order matches the official
// files), so training holds 4,468–4,525 per class rather than 4,500.
func TestRealCIFAR10(t *testing.T) {
	root := sharedDatasets(t)
	d, err := Load(context.Background(), "cifar10", Options{Dir: root})
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len() != 45000 || d.Val.Len() != 5000 || d.Test.Len() != 10000 {
		t.Fatalf("split sizes %d/%d/%d, want 45000/5000/10000", d.Train.Len(), d.Val.Len(), d.Test.Len())
	}
	if d.ClassNames[0] != "airplane" || d.ClassNames[9] != "truck" {
		t.Fatalf("class names %v", d.ClassNames)
	}
	for _, tt := range []struct {
		name string
		s    *Split
		want []int
	}{
		{"train", d.Train, []int{4507, 4512, 4521, 4481, 4525, 4471, 4512, 4515, 4468, 4488}},
		{"val", d.Val, []int{493, 488, 479, 519, 475, 529, 488, 485, 532, 512}},
		{"test", d.Test, []int{1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}},
	} {
		counts := make([]int, 10)
		for i := 0; i < tt.s.Len(); i++ {
			counts[tt.s.Label(i)]++
		}
		if !slices.Equal(counts, tt.want) {
			t.Errorf("%s label histogram %v, want %v", tt.name, counts, tt.want)
		}
	}
	// Official statistics of the 50,000 training images; the shared copy is a JPEG
	// reconstruction (means match to 1e-4, stds 0.3–0.7% lower) and ours cover 45,000.
	wantMean := []float64{0.4914, 0.4822, 0.4465}
	wantStd := []float64{0.2470, 0.2435, 0.2616}
	t.Logf("mean %v std %v", d.Mean, d.Std)
	for c := range 3 {
		if math.Abs(float64(d.Mean[c])-wantMean[c]) > 0.003 {
			t.Errorf("channel %d mean %.4f, want %.4f ± 0.003", c, d.Mean[c], wantMean[c])
		}
		if math.Abs(float64(d.Std[c])-wantStd[c]) > 0.005 {
			t.Errorf("channel %d std %.4f, want %.4f ± 0.005", c, d.Std[c], wantStd[c])
		}
	}
	// A large validation batch is normalised: mean near 0. Augmented, the black padding pulls the
	// mean down by the expected padded fraction, 1 − (1 − E|offset|/32)² with E|offset| = 20/9,
	// times the mean normalised value of a black pixel.
	idx := NewSampler(d.Val.Len(), rand.New(rand.NewPCG(1, 0))).Next(2000)
	x, y := make([]float32, len(idx)*d.ExampleSize()), make([]int, len(idx))
	mean := func() float64 {
		var sum float64
		for _, v := range x {
			sum += float64(v)
		}
		return sum / float64(len(x))
	}
	d.Batch(d.Val, idx, false, nil, x, y)
	if m := mean(); math.Abs(m) > 0.05 {
		t.Errorf("validation batch has normalised mean %.3f, want near 0", m)
	}
	d.Batch(d.Val, idx, true, rand.New(rand.NewPCG(2, 0)), x, y)
	var black float64
	for c := range 3 {
		black += -float64(d.Mean[c]/d.Std[c]) / 3
	}
	padded := 1 - math.Pow(1-20.0/9/32, 2)
	if m, want := mean(), padded*black; math.Abs(m-want) > 0.05 {
		t.Errorf("augmented validation batch has mean %.3f, want %.3f (%.1f%% black padding)", m, want, 100*padded)
	}
}
