package data

import (
	"fmt"
	"math/rand/v2"
)

// Sampler yields minibatches of example indices in [0, n): each epoch is a fresh random
// permutation, and a batch that crosses the end of an epoch is completed from the next one, so
// every index appears exactly once per epoch. The sequence is a deterministic function of the
// rng passed to NewSampler.
type Sampler struct {
	n     int
	rng   *rand.Rand
	perm  []int
	pos   int
	epoch int
}

// NewSampler returns a sampler over n examples. It panics when n <= 0 or rng is nil.
func NewSampler(n int, rng *rand.Rand) *Sampler {
	if n <= 0 {
		panic(fmt.Sprintf("data: NewSampler(%d): the split is empty", n))
	}
	if rng == nil {
		panic("data: NewSampler: nil *rand.Rand")
	}
	s := &Sampler{n: n, rng: rng, perm: make([]int, n)}
	s.reshuffle()
	s.epoch = 0
	return s
}

// Next returns the next batch of indices (a new slice of length batch). It panics when
// batch <= 0.
func (s *Sampler) Next(batch int) []int {
	if batch <= 0 {
		panic(fmt.Sprintf("data: Sampler.Next(%d): batch size must be positive", batch))
	}
	out := make([]int, 0, batch)
	for len(out) < batch {
		if s.pos == s.n {
			s.reshuffle()
		}
		take := min(batch-len(out), s.n-s.pos)
		out = append(out, s.perm[s.pos:s.pos+take]...)
		s.pos += take
	}
	return out
}

// Epoch is the number of completed passes over the data.
func (s *Sampler) Epoch() int { return s.epoch }

// reshuffle starts a new epoch with a fresh Fisher–Yates permutation.
func (s *Sampler) reshuffle() {
	for i := range s.perm {
		s.perm[i] = i
	}
	shuffle(s.rng, s.perm)
	s.pos = 0
	s.epoch++
}

// shuffle permutes p in place (Fisher–Yates). It draws only raw 64-bit words (rng.Uint64) and
// bounds them itself, so the permutation depends on the seeded source alone and not on how a Go
// release implements the bounded helpers of rand.Rand: fixed splits stay fixed.
func shuffle(rng *rand.Rand, p []int) {
	for i := len(p) - 1; i > 0; i-- {
		j := int(below(rng, uint64(i+1)))
		p[i], p[j] = p[j], p[i]
	}
}

// below returns a uniform draw in [0, n), n > 0, by rejection: words in the last, incomplete
// block of n values are redrawn, so every result is equally likely.
func below(rng *rand.Rand, n uint64) uint64 {
	limit := -n % n // 2⁶⁴ mod n: the size of the incomplete block at the bottom
	for {
		if v := rng.Uint64(); v >= limit {
			return v % n
		}
	}
}
