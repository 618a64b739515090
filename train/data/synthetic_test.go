package data

import (
	"slices"
	"testing"
)

func TestSynthetic(t *testing.T) {
	tests := []struct {
		name                string
		n, h, w, c, classes int
		wantVal             int
		wantAugment         bool
	}{
		{"grey digits-like", 200, 8, 8, 1, 10, 50, false},
		{"cifar-like", 64, 32, 32, 3, 10, 16, true},
		{"tiny", 8, 4, 4, 2, 3, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Synthetic(tt.n, tt.h, tt.w, tt.c, tt.classes, 42)
			if d.Train.Len() != tt.n || d.Val.Len() != tt.wantVal || d.Test.Len() != tt.wantVal {
				t.Fatalf("sizes %d/%d/%d, want %d/%d/%d", d.Train.Len(), d.Val.Len(), d.Test.Len(), tt.n, tt.wantVal, tt.wantVal)
			}
			if d.H != tt.h || d.W != tt.w || d.C != tt.c || d.Classes != tt.classes || d.Augmentable != tt.wantAugment {
				t.Fatalf("got %s augmentable %v", d, d.Augmentable)
			}
			counts := make([]int, tt.classes)
			for i := 0; i < d.Train.Len(); i++ {
				counts[d.Train.Label(i)]++
			}
			if slices.Max(counts)-slices.Min(counts) > 1 {
				t.Fatalf("unbalanced training labels %v", counts)
			}
			again := Synthetic(tt.n, tt.h, tt.w, tt.c, tt.classes, 42)
			other := Synthetic(tt.n, tt.h, tt.w, tt.c, tt.classes, 43)
			if !slices.Equal(d.Train.pix, again.Train.pix) || !slices.Equal(d.Val.labels, again.Val.labels) {
				t.Fatal("the same seed gave different data")
			}
			if slices.Equal(d.Train.pix, other.Train.pix) {
				t.Fatal("different seeds gave the same data")
			}
		})
	}
}

// TestSyntheticLearnable checks the promise that global average pooling plus a linear
// classifier can learn it: nearest class centroid on per-channel means (a linear rule) fitted on
// Train classifies Val almost perfectly.
func TestSyntheticLearnable(t *testing.T) {
	d := Synthetic(500, 8, 8, 3, 10, 7)
	feat := func(s *Split, i int) []float64 {
		f := make([]float64, d.C)
		img := s.Image(i)
		for c := range f {
			for _, v := range img[c*64 : (c+1)*64] {
				f[c] += float64(v) / 64
			}
		}
		return f
	}
	cent := make([][]float64, d.Classes)
	n := make([]float64, d.Classes)
	for k := range cent {
		cent[k] = make([]float64, d.C)
	}
	for i := 0; i < d.Train.Len(); i++ {
		k := d.Train.Label(i)
		for c, v := range feat(d.Train, i) {
			cent[k][c] += v
		}
		n[k]++
	}
	correct := 0
	for i := 0; i < d.Val.Len(); i++ {
		f, best, bestD := feat(d.Val, i), -1, 0.0
		for k := range cent {
			dist := 0.0
			for c := range f {
				diff := f[c] - cent[k][c]/n[k]
				dist += diff * diff
			}
			if best < 0 || dist < bestD {
				best, bestD = k, dist
			}
		}
		if best == d.Val.Label(i) {
			correct++
		}
	}
	if acc := float64(correct) / float64(d.Val.Len()); acc < 0.9 {
		t.Fatalf("nearest-centroid validation accuracy %.2f on pooled features, want ≥ 0.9", acc)
	}
}
