package data

import (
	"math/rand"
	"slices"
	"testing"
)

func TestSampler(t *testing.T) {
	tests := []struct {
		name     string
		n, batch int
	}{
		{"batch divides n", 12, 4},
		{"batch crosses epochs", 10, 3},
		{"batch larger than n", 5, 7},
		{"batch of one", 3, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSampler(tt.n, rand.New(rand.NewSource(1)))
			var stream []int
			for len(stream) < 4*tt.n {
				b := s.Next(tt.batch)
				if len(b) != tt.batch {
					t.Fatalf("batch of %d, want %d", len(b), tt.batch)
				}
				stream = append(stream, b...)
			}
			// Every epoch (each consecutive run of n indices) is a permutation of 0..n-1.
			var epochs [][]int
			for e := 0; e < 4; e++ {
				ep := slices.Clone(stream[e*tt.n : (e+1)*tt.n])
				epochs = append(epochs, slices.Clone(ep))
				slices.Sort(ep)
				for i, v := range ep {
					if v != i {
						t.Fatalf("epoch %d is not a permutation of 0..%d: %v", e, tt.n-1, stream[e*tt.n:(e+1)*tt.n])
					}
				}
			}
			if tt.n > 3 && slices.Equal(epochs[0], epochs[1]) && slices.Equal(epochs[1], epochs[2]) {
				t.Fatal("epochs are not reshuffled")
			}
			if s.Epoch() < 3 {
				t.Fatalf("Epoch() = %d after 4 epochs' worth of indices", s.Epoch())
			}
			// Deterministic from the rng.
			s2 := NewSampler(tt.n, rand.New(rand.NewSource(1)))
			var again []int
			for len(again) < len(stream) {
				again = append(again, s2.Next(tt.batch)...)
			}
			if !slices.Equal(stream, again) {
				t.Fatal("the same seed gave a different index stream")
			}
		})
	}
}

func TestSamplerPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"empty":      func() { NewSampler(0, rand.New(rand.NewSource(1))) },
		"nil rng":    func() { NewSampler(3, nil) },
		"zero batch": func() { NewSampler(3, rand.New(rand.NewSource(1))).Next(0) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			f()
		})
	}
}
