package train

import (
	"bytes"
	"context"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"evo/genome"
	"evo/train/checkpoint"
	"evo/train/data"
)

// TestSameSeedSameInit: the fresh initial state is a function of the seed and the architecture.
func TestSameSeedSameInit(t *testing.T) {
	g := buildGenome(t, genome.Shape{H: 6, W: 6, C: 1}, 3, 0.1, []layer{conv3(4, genome.BNReLU), conv3(3, genome.BNReLU)}, nil)
	specs, err := g.Tensors()
	if err != nil {
		t.Fatal(err)
	}
	init := func(seed uint64) map[string]*checkpoint.Tensor {
		st, _ := initialState(specs, nil, rand.New(rand.NewPCG(seed, 0)))
		return st
	}
	a, b, c := init(11), init(11), init(12)
	same, differ := 0, 0
	for _, id := range slices.Sorted(maps.Keys(a)) {
		if !slices.Equal(a[id].Data, b[id].Data) {
			t.Errorf("tensor %s: the same seed gave different initial values", id)
		}
		if slices.Equal(a[id].Data, c[id].Data) {
			same++
		} else {
			differ++
		}
	}
	// The random tensors (conv and head weights) differ between seeds; the constant ones
	// (batch norm, biases) do not.
	if differ == 0 || same == 0 {
		t.Errorf("seeds 11 and 12: %d tensors differ, %d agree; want some of each", differ, same)
	}
}

// TestSameSeedSameRun: a whole training run (initial values, the order in which the sampler
// draws training examples, the SGD steps) is reproduced exactly by its seed, and another seed
// gives another run.
func TestSameSeedSameRun(t *testing.T) {
	d := data.Synthetic(60, 6, 6, 1, 3, 1)
	g := buildGenome(t, genome.Shape{H: 6, W: 6, C: 1}, 3, 0.1, []layer{conv3(2, genome.BNReLU)}, nil)
	run := func(seed int64) (Result, *checkpoint.Checkpoint) {
		t.Helper()
		var buf bytes.Buffer
		res, err := Train(context.Background(), g, nil, d, Config{Steps: 6, BatchSize: 7, Seed: seed, Logger: quiet}, &buf)
		if err != nil || res.Status != StatusOK {
			t.Fatalf("seed %d: %v (status %q, reason %q)", seed, err, res.Status, res.Reason)
		}
		ck, err := checkpoint.Read(&buf, checkpoint.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		return res, ck
	}
	r1, c1 := run(5)
	r2, c2 := run(5)
	if r1.Fitness != r2.Fitness {
		t.Errorf("seed 5 twice: fitness %v then %v", r1.Fitness, r2.Fitness)
	}
	for id, t1 := range c1.Tensors {
		if !slices.Equal(t1.Data, c2.Tensors[id].Data) {
			t.Errorf("seed 5 twice: tensor %s differs after training", id)
		}
	}
	_, c3 := run(6)
	differ := 0
	for id, t1 := range c1.Tensors {
		if !slices.Equal(t1.Data, c3.Tensors[id].Data) {
			differ++
		}
	}
	if differ == 0 {
		t.Error("seeds 5 and 6 trained to identical tensors")
	}
}
