package data

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Synthetic returns a small, learnable data set for fast tests of other packages: n training
// examples and max(n/4, classes) validation and test examples each, h×w images with c channels,
// labels balanced over classes and shuffled, everything a deterministic function of seed.
//
// Class k has a per-channel brightness level (evenly spaced levels, permuted per channel) and an
// oriented stripe pattern whose angle and frequency depend on k; each example adds Gaussian noise
// (σ = 24 on the 0..255 scale). The levels make the classes separable by global average pooling
// followed by a linear layer (the paper's initial individual); the stripes reward convolutions.
// It panics on non-positive sizes or more than 256 classes.
func Synthetic(n, h, w, c, classes int, seed int64) *Dataset {
	if n <= 0 || h <= 0 || w <= 0 || c <= 0 || classes <= 0 || classes > 256 {
		panic(fmt.Sprintf("data: Synthetic(n=%d, h=%d, w=%d, c=%d, classes=%d): sizes must be positive, classes ≤ 256",
			n, h, w, c, classes))
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	levels := make([][]float64, classes) // levels[k][ch]
	for k := range levels {
		levels[k] = make([]float64, c)
	}
	for ch := 0; ch < c; ch++ {
		perm := make([]int, classes)
		for k := range perm {
			perm[k] = k
		}
		if ch > 0 {
			shuffle(rng, perm)
		}
		for k := range levels {
			levels[k][ch] = 48 + 160*float64(perm[k])/float64(max(classes-1, 1))
		}
	}
	m := max(n/4, classes)
	gen := func(count int) *Split {
		labels := make([]int, count)
		for i := range labels {
			labels[i] = i % classes
		}
		p := make([]int, count)
		for i := range p {
			p[i] = i
		}
		shuffle(rng, p)
		pix := make([]uint8, 0, count*c*h*w)
		out := make([]int, count)
		for i, j := range p {
			k := labels[j]
			out[i] = k
			pix = appendSyntheticImage(pix, rng, k, classes, levels[k], h, w)
		}
		s, err := NewSplit(h, w, c, pix, out)
		if err != nil {
			panic(err) // unreachable: sizes are consistent by construction
		}
		return s
	}
	train, val, test := gen(n), gen(m), gen(m)
	d, err := NewDataset("synthetic", numberedNames(classes), train, val, test)
	if err != nil {
		panic(err) // unreachable: the splits agree by construction
	}
	return d
}

// appendSyntheticImage appends one CHW image of class k: level + stripes + noise, clamped.
func appendSyntheticImage(pix []uint8, rng *rand.Rand, k, classes int, level []float64, h, w int) []uint8 {
	angle := math.Pi * float64(k) / float64(classes)
	freq := 2 * math.Pi * (0.15 + 0.25*float64(k%3)/2)
	cos, sin := math.Cos(angle), math.Sin(angle)
	for _, lv := range level {
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				v := lv + 32*math.Sin(freq*(cos*float64(x)+sin*float64(y))) + 24*rng.NormFloat64()
				pix = append(pix, uint8(math.Round(math.Min(255, math.Max(0, v)))))
			}
		}
	}
	return pix
}
