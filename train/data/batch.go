package data

import (
	"fmt"
	"math/rand/v2"

	"evo/train/internal/vec"
)

// AugmentPad is the zero padding, in pixels on every side, before the random crop.
const AugmentPad = 4

// Batch writes the normalised examples idx of split s into x (len(idx)·C·H·W floats, NCHW) and
// their labels into y (len(idx) ints).
//
// With augment true and d.Augmentable, each example is padded by AugmentPad black (byte 0)
// pixels on every side, cropped to a random H×W window and flipped horizontally with
// probability 1/2. For each example, in the order of idx, three values are drawn from rng: the
// vertical offset rng.IntN(2·AugmentPad+1), the horizontal offset likewise, then the flip
// rng.IntN(2); so the result is a deterministic function of rng's state. rng may be nil when
// no augmentation applies (augment false or d not Augmentable); then rng is not used at all.
//
// Batch panics when x or y has the wrong length or an index is out of range: those are
// programming errors of the caller, as with slice indexing.
func (d *Dataset) Batch(s *Split, idx []int, augment bool, rng *rand.Rand, x []float32, y []int) {
	size := d.ExampleSize()
	if len(x) != len(idx)*size || len(y) != len(idx) {
		panic(fmt.Sprintf("data: Batch of %d examples of %s needs len(x)=%d and len(y)=%d, got %d and %d",
			len(idx), d.Name, len(idx)*size, len(idx), len(x), len(y)))
	}
	if s.h != d.H || s.w != d.W || s.c != d.C {
		panic(fmt.Sprintf("data: Batch: split shape %d×%d×%d is not %s's %d×%d×%d", s.h, s.w, s.c, d.Name, d.H, d.W, d.C))
	}
	aug := augment && d.Augmentable
	if aug && rng == nil {
		panic("data: Batch: augmentation needs a non-nil *rand.Rand")
	}
	var lut [][256]float32
	var na, nb []float32
	if aug {
		lut = d.normTable()
	} else {
		na, nb = d.normAffine()
	}
	for k, i := range idx {
		dst := x[k*size : (k+1)*size]
		y[k] = s.Label(i)
		if !aug {
			d.normalise(na, nb, s.Image(i), dst)
			continue
		}
		dy := rng.IntN(2*AugmentPad+1) - AugmentPad
		dx := rng.IntN(2*AugmentPad+1) - AugmentPad
		flip := rng.IntN(2) == 1
		d.cropFlip(lut, s.Image(i), dst, dy, dx, flip)
	}
}

// normalise writes the normalised bytes of one CHW image into dst: v·a[c] + b[c] per channel c,
// the values of normTable.
func (d *Dataset) normalise(a, b []float32, img []uint8, dst []float32) {
	plane := d.H * d.W
	for c := 0; c < d.C; c++ {
		vec.Bytes(dst[c*plane:(c+1)*plane], img[c*plane:(c+1)*plane], a[c], b[c])
	}
}

// cropFlip writes into dst the normalised window of img shifted by (dy, dx) — output pixel
// (y, x) reads input pixel (y+dy, x+dx), and input outside the image reads as byte 0 (the zero
// padding) — then mirrored left-right when flip is set.
func (d *Dataset) cropFlip(luts [][256]float32, img []uint8, dst []float32, dy, dx int, flip bool) {
	plane := d.H * d.W
	for c := 0; c < d.C; c++ {
		lut := &luts[c]
		src := img[c*plane : (c+1)*plane]
		out := dst[c*plane : (c+1)*plane]
		for yy := 0; yy < d.H; yy++ {
			sy := yy + dy
			row := out[yy*d.W : (yy+1)*d.W]
			if sy < 0 || sy >= d.H {
				for j := range row {
					row[j] = lut[0]
				}
				continue
			}
			srow := src[sy*d.W : (sy+1)*d.W]
			for xx := 0; xx < d.W; xx++ {
				// The cropped image's column xx' = W-1-xx lands at xx after the flip.
				cx := xx
				if flip {
					cx = d.W - 1 - xx
				}
				sx := cx + dx
				if sx < 0 || sx >= d.W {
					row[xx] = lut[0]
				} else {
					row[xx] = lut[srow[sx]]
				}
			}
		}
	}
}
