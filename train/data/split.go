package data

import "fmt"

// Split is a set of labelled images held as bytes: pixel (c, y, x) of example i is
// pix[i·C·H·W + c·H·W + y·W + x] (NCHW, the layout of CIFAR's binary files and of gorgonia).
type Split struct {
	h, w, c int
	pix     []uint8
	labels  []uint8
}

// NewSplit wraps pixels (len = n·c·h·w, NCHW) and labels (len n, each in [0, 255]) as a split.
// The slices are used, not copied.
func NewSplit(h, w, c int, pixels []uint8, labels []int) (*Split, error) {
	if h <= 0 || w <= 0 || c <= 0 {
		return nil, fmt.Errorf("data: split shape %d×%d×%d: every dimension must be positive", h, w, c)
	}
	if len(pixels) != len(labels)*h*w*c {
		return nil, fmt.Errorf("data: split has %d pixel bytes for %d labels of %d×%d×%d images, want %d",
			len(pixels), len(labels), h, w, c, len(labels)*h*w*c)
	}
	ls := make([]uint8, len(labels))
	for i, l := range labels {
		if l < 0 || l > 255 {
			return nil, fmt.Errorf("data: split label %d of example %d is outside [0, 255]", l, i)
		}
		ls[i] = uint8(l)
	}
	return &Split{h: h, w: w, c: c, pix: pixels, labels: ls}, nil
}

// Len is the number of examples.
func (s *Split) Len() int { return len(s.labels) }

// Label is the class of example i.
func (s *Split) Label(i int) int { return int(s.labels[i]) }

// Labels returns a copy of all labels in order.
func (s *Split) Labels() []int {
	out := make([]int, len(s.labels))
	for i, l := range s.labels {
		out[i] = int(l)
	}
	return out
}

// Image returns the C·H·W bytes of example i in CHW order. The slice aliases the split's
// storage: read it, never modify it.
func (s *Split) Image(i int) []uint8 {
	n := s.h * s.w * s.c
	return s.pix[i*n : (i+1)*n : (i+1)*n]
}

// slice returns the examples [lo, hi) as a split sharing storage with s.
func (s *Split) slice(lo, hi int) *Split {
	n := s.h * s.w * s.c
	return &Split{h: s.h, w: s.w, c: s.c, pix: s.pix[lo*n : hi*n : hi*n], labels: s.labels[lo:hi:hi]}
}

// subset returns a new split holding copies of the examples idx, in that order.
func (s *Split) subset(idx []int) *Split {
	n := s.h * s.w * s.c
	out := &Split{h: s.h, w: s.w, c: s.c, pix: make([]uint8, 0, len(idx)*n), labels: make([]uint8, 0, len(idx))}
	for _, i := range idx {
		out.pix = append(out.pix, s.Image(i)...)
		out.labels = append(out.labels, s.labels[i])
	}
	return out
}
