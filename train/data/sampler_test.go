package data

import (
	"math/rand/v2"
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
			s := NewSampler(tt.n, rand.New(rand.NewPCG(1, 0)))
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
			s2 := NewSampler(tt.n, rand.New(rand.NewPCG(1, 0)))
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
		"empty":      func() { NewSampler(0, rand.New(rand.NewPCG(1, 0))) },
		"nil rng":    func() { NewSampler(3, nil) },
		"zero batch": func() { NewSampler(3, rand.New(rand.NewPCG(1, 0))).Next(0) },
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

// words is a Source that returns fixed words in order.
type words []uint64

func (w *words) Uint64() uint64 { v := (*w)[0]; *w = (*w)[1:]; return v }

// TestBelowRejectsTheIncompleteBlock checks the bounded draw of shuffle: 2⁶⁴ mod 3 = 1, so the
// word 0 lies in the incomplete block and is redrawn; 2⁶⁴−1 is the top of a complete block.
func TestBelowRejectsTheIncompleteBlock(t *testing.T) {
	src := words{0, 1, 1<<64 - 1, 5}
	rng := rand.New(&src)
	for i, want := range []uint64{1, (1<<64 - 1) % 3, 2} {
		if got := below(rng, 3); got != want {
			t.Errorf("draw %d: below(3) = %d, want %d", i, got, want)
		}
	}
	if len(src) != 0 {
		t.Errorf("%d words left unused, want 0 (the word 0 is redrawn, no other)", len(src))
	}
	if got := below(rand.New(&words{42}), 1); got != 0 {
		t.Errorf("below(1) = %d, want 0", got)
	}
}
