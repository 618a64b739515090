package data

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomDataset returns a data set of n random h×w×c images with labels i%classes.
func randomDataset(t *testing.T, n, h, w, c, classes int, seed int64) *Dataset {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	pix := make([]uint8, n*h*w*c)
	for i := range pix {
		pix[i] = uint8(rng.IntN(256))
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i % classes
	}
	s, err := NewSplit(h, w, c, pix, labels)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDataset("random", numberedNames(classes), s, s.slice(0, n/2), s.slice(n/2, n))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// reference crops the zero-padded image naively: build the (H+8)×(W+8) padded image, take the
// window whose top-left corner is (oy, ox) in padded coordinates, then mirror it if flip.
func reference(d *Dataset, img []uint8, oy, ox int, flip bool) []float32 {
	ph, pw := d.H+2*AugmentPad, d.W+2*AugmentPad
	out := make([]float32, 0, d.ExampleSize())
	for c := 0; c < d.C; c++ {
		padded := make([]float64, ph*pw) // byte values; zero padding
		for y := 0; y < d.H; y++ {
			for x := 0; x < d.W; x++ {
				padded[(y+AugmentPad)*pw+x+AugmentPad] = float64(img[c*d.H*d.W+y*d.W+x])
			}
		}
		for y := 0; y < d.H; y++ {
			for x := 0; x < d.W; x++ {
				cx := x
				if flip {
					cx = d.W - 1 - x
				}
				v := padded[(oy+y)*pw+ox+cx]
				out = append(out, float32((v/255-float64(d.Mean[c]))/float64(d.Std[c])))
			}
		}
	}
	return out
}

func close32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-5 {
			return false
		}
	}
	return true
}

func TestBatchNormalises(t *testing.T) {
	d := randomDataset(t, 40, 5, 6, 3, 4, 1)
	idx := make([]int, d.Train.Len())
	for i := range idx {
		idx[i] = i
	}
	x, y := make([]float32, len(idx)*d.ExampleSize()), make([]int, len(idx))
	d.Batch(d.Train, idx, false, nil, x, y)
	plane := d.H * d.W
	for c := 0; c < d.C; c++ {
		var sum, sq float64
		for k, i := range idx {
			if y[k] != d.Train.Label(i) {
				t.Fatalf("label %d of example %d, want %d", y[k], i, d.Train.Label(i))
			}
			img := d.Train.Image(i)
			for j := 0; j < plane; j++ {
				v := float64(x[k*d.ExampleSize()+c*plane+j])
				want := (float64(img[c*plane+j])/255 - float64(d.Mean[c])) / float64(d.Std[c])
				if math.Abs(v-want) > 1e-5 {
					t.Fatalf("example %d channel %d pixel %d: %v, want %v", i, c, j, v, want)
				}
				sum, sq = sum+v, sq+v*v
			}
		}
		n := float64(len(idx) * plane)
		if mean, std := sum/n, math.Sqrt(sq/n-(sum/n)*(sum/n)); math.Abs(mean) > 1e-4 || math.Abs(std-1) > 1e-4 {
			t.Errorf("channel %d of the normalised training split: mean %v std %v, want 0 and 1", c, mean, std)
		}
	}
}

func TestBatchAugmentation(t *testing.T) {
	d := randomDataset(t, 20, 32, 32, 3, 10, 2)
	idx := []int{3, 7, 7, 0}
	size := d.ExampleSize()
	run := func(seed int64) []float32 {
		x, y := make([]float32, len(idx)*size), make([]int, len(idx))
		d.Batch(d.Train, idx, true, rand.New(rand.NewPCG(uint64(seed), 0)), x, y)
		return x
	}
	a, b, c := run(5), run(5), run(6)
	if !slices.Equal(a, b) {
		t.Fatal("the same rng seed gave different augmented batches")
	}
	if slices.Equal(a, c) {
		t.Fatal("different rng seeds gave identical augmented batches")
	}
	// Each example equals the naive pad-crop-flip with the offsets and flip drawn in order.
	rng := rand.New(rand.NewPCG(5, 0))
	for k, i := range idx {
		oy, ox, flip := rng.IntN(9), rng.IntN(9), rng.IntN(2) == 1
		if !close32(a[k*size:(k+1)*size], reference(d, d.Train.Image(i), oy, ox, flip)) {
			t.Fatalf("example %d differs from the naive crop at (%d,%d) flip %v", k, oy, ox, flip)
		}
	}
}

func TestCropFlipWindows(t *testing.T) {
	d := randomDataset(t, 2, 32, 32, 3, 2, 3)
	img := d.Train.Image(0)
	got := make([]float32, d.ExampleSize())
	// Every one of the 81 windows within the padding, both flips.
	for oy := 0; oy <= 2*AugmentPad; oy++ {
		for ox := 0; ox <= 2*AugmentPad; ox++ {
			for _, flip := range []bool{false, true} {
				d.cropFlip(d.normTable(), img, got, oy-AugmentPad, ox-AugmentPad, flip)
				if !close32(got, reference(d, img, oy, ox, flip)) {
					t.Fatalf("window (%d,%d) flip %v differs from the naive crop", oy, ox, flip)
				}
			}
		}
	}
	// The centred window without flip is the plain image; with flip it is its mirror.
	plain := make([]float32, d.ExampleSize())
	na, nb := d.normAffine()
	d.normalise(na, nb, img, plain)
	d.cropFlip(d.normTable(), img, got, 0, 0, false)
	if !slices.Equal(got, plain) {
		t.Fatal("centred unflipped crop is not the image")
	}
	d.cropFlip(d.normTable(), img, got, 0, 0, true)
	for c := 0; c < 3; c++ {
		for y := 0; y < 32; y++ {
			for x := 0; x < 32; x++ {
				if got[c*1024+y*32+x] != plain[c*1024+y*32+31-x] {
					t.Fatalf("flip does not mirror: channel %d (%d,%d)", c, y, x)
				}
			}
		}
	}
}

// TestAugmentationCoversWindows checks that the drawn offsets cover exactly the 9×9 windows
// within the padding and both flips: each augmented image is matched against all candidates.
func TestAugmentationCoversWindows(t *testing.T) {
	d := randomDataset(t, 2, 32, 32, 3, 2, 4)
	rng := rand.New(rand.NewPCG(7, 0))
	candidates := map[[3]int][]float32{}
	for oy := 0; oy <= 2*AugmentPad; oy++ {
		for ox := 0; ox <= 2*AugmentPad; ox++ {
			for f := 0; f < 2; f++ {
				candidates[[3]int{oy, ox, f}] = reference(d, d.Train.Image(0), oy, ox, f == 1)
			}
		}
	}
	seen := map[[3]int]int{}
	x, y := make([]float32, d.ExampleSize()), make([]int, 1)
	for n := 0; n < 2000; n++ {
		d.Batch(d.Train, []int{0}, true, rng, x, y)
		found := false
		for key, want := range candidates {
			if close32(x, want) {
				seen[key]++
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("augmented image %d is no pad-4 crop of the original", n)
		}
	}
	if len(seen) != 9*9*2 {
		t.Fatalf("saw %d distinct windows×flips in 2000 draws, want all 162", len(seen))
	}
}

func TestBatchWithoutAugmentation(t *testing.T) {
	d := randomDataset(t, 10, 8, 8, 1, 2, 5) // not 32×32 colour: not augmentable
	if d.Augmentable {
		t.Fatal("an 8×8 grey set must not be augmentable")
	}
	x1, x2, y := make([]float32, 2*64), make([]float32, 2*64), make([]int, 2)
	d.Batch(d.Train, []int{1, 2}, true, nil, x1, y) // augment requested, nothing to do, rng unused
	d.Batch(d.Train, []int{1, 2}, false, nil, x2, y)
	if !slices.Equal(x1, x2) {
		t.Fatal("augment on a non-augmentable set changed the batch")
	}
}

func TestBatchPanicsOnBadBuffers(t *testing.T) {
	d := randomDataset(t, 10, 4, 4, 1, 2, 6)
	for name, f := range map[string]func(){
		"short x": func() { d.Batch(d.Train, []int{0, 1}, false, nil, make([]float32, 31), make([]int, 2)) },
		"short y": func() { d.Batch(d.Train, []int{0, 1}, false, nil, make([]float32, 32), make([]int, 1)) },
		"nil rng aug": func() {
			c := randomDataset(t, 2, 32, 32, 3, 2, 1)
			c.Batch(c.Train, []int{0}, true, nil, make([]float32, c.ExampleSize()), make([]int, 1))
		},
		"wrong split": func() { randomDataset(t, 2, 4, 4, 2, 2, 1).Batch(d.Train, nil, false, nil, nil, nil) },
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

func TestConstantChannelStaysFinite(t *testing.T) {
	s, err := NewSplit(2, 2, 1, []uint8{7, 7, 7, 7, 7, 7, 7, 7}, []int{0, 1})
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDataset("flat", []string{"a", "b"}, s, s, s)
	if err != nil {
		t.Fatal(err)
	}
	x, y := make([]float32, 8), make([]int, 2)
	d.Batch(s, []int{0, 1}, false, nil, x, y)
	for _, v := range x {
		if math.Abs(float64(v)) > 1e-6 {
			t.Fatalf("a constant channel normalises to %v, want 0", v)
		}
	}
}
