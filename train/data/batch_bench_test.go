package data

import (
	"context"
	"math/rand/v2"
	"testing"
)

// BenchmarkBatch measures one CIFAR-shaped minibatch of 50 (the paper's batch size).
func BenchmarkBatch(b *testing.B) {
	d := Synthetic(500, 32, 32, 3, 10, 1)
	x, y := make([]float32, 50*d.ExampleSize()), make([]int, 50)
	s := NewSampler(d.Train.Len(), rand.New(rand.NewPCG(1, 0)))
	for _, aug := range []bool{false, true} {
		name := "plain"
		if aug {
			name = "augmented"
		}
		b.Run(name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(2, 0))
			b.SetBytes(int64(len(x) * 4))
			for b.Loop() {
				d.Batch(d.Train, s.Next(50), aug, rng, x, y)
			}
		})
	}
}

// BenchmarkLoadDigits measures parsing and splitting the embedded default data set.
func BenchmarkLoadDigits(b *testing.B) {
	for b.Loop() {
		if _, err := Load(context.Background(), "digits", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
