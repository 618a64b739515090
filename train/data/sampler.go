package data

import (
	"fmt"
	"math/rand"
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

// shuffle permutes p in place (Fisher–Yates) using only rng.Int63n, whose output for a seeded
// source is stable across Go releases, so fixed splits stay fixed.
func shuffle(rng *rand.Rand, p []int) {
	for i := len(p) - 1; i > 0; i-- {
		j := int(rng.Int63n(int64(i + 1)))
		p[i], p[j] = p[j], p[i]
	}
}
