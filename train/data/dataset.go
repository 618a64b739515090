package data

import (
	"fmt"
	"math"

	"evo/train/internal/vec"
)

// Dataset is an image classification data set with fixed training, validation and test splits.
// All three splits share the image shape H×W×C and the label range [0, Classes).
type Dataset struct {
	// Name is the name Load knows the data set by (e.g. "cifar10").
	Name string
	// H, W and C are the image height, width and channel count.
	H, W, C int
	// Classes is the number of labels; labels lie in [0, Classes).
	Classes int
	// ClassNames holds one human-readable name per label.
	ClassNames []string
	// Train fits weights, Val measures fitness, Test is never seen by evolution.
	Train, Val, Test *Split
	// Mean and Std are per channel, computed from Train, in the [0,1] pixel scale (byte/255).
	Mean, Std []float32
	// Augmentable reports that pad-4 random crop and horizontal flip apply (32×32 colour sets).
	Augmentable bool
}

// NewDataset checks that the splits agree on the image shape and label range, computes the
// per-channel mean and standard deviation of the training split, and returns the data set.
// Augmentable is set for 32×32 images with 3 channels.
func NewDataset(name string, classNames []string, train, val, test *Split) (*Dataset, error) {
	if train == nil || val == nil || test == nil {
		return nil, fmt.Errorf("data: %s: train, validation and test splits are all required", name)
	}
	if train.Len() == 0 {
		return nil, fmt.Errorf("data: %s: the training split is empty", name)
	}
	classes := len(classNames)
	for _, s := range []*Split{train, val, test} {
		if s.h != train.h || s.w != train.w || s.c != train.c {
			return nil, fmt.Errorf("data: %s: split shapes differ: %d×%d×%d vs %d×%d×%d",
				name, s.h, s.w, s.c, train.h, train.w, train.c)
		}
		for i, l := range s.labels {
			if int(l) >= classes {
				return nil, fmt.Errorf("data: %s: example %d has label %d, want < %d classes", name, i, l, classes)
			}
		}
	}
	d := &Dataset{
		Name: name, H: train.h, W: train.w, C: train.c, Classes: classes, ClassNames: classNames,
		Train: train, Val: val, Test: test,
		Augmentable: train.h == 32 && train.w == 32 && train.c == 3,
	}
	d.Mean, d.Std = channelStats(train)
	return d, nil
}

// channelStats returns the per-channel mean and population standard deviation of s in the
// [0,1] scale. Sums of bytes are accumulated exactly in integers.
func channelStats(s *Split) (mean, std []float32) {
	mean, std = make([]float32, s.c), make([]float32, s.c)
	plane := s.h * s.w
	for c := 0; c < s.c; c++ {
		var sum, sq uint64
		for i := 0; i < s.Len(); i++ {
			for _, v := range s.Image(i)[c*plane : (c+1)*plane] {
				sum += uint64(v)
				sq += uint64(v) * uint64(v)
			}
		}
		n := float64(s.Len() * plane)
		m := float64(sum) / n
		variance := float64(sq)/n - m*m
		if variance < 0 {
			variance = 0
		}
		mean[c] = float32(m / 255)
		std[c] = float32(math.Sqrt(variance) / 255)
	}
	return mean, std
}

// normAffine returns, per channel, a and b with (v/255 − Mean[c]) / Std[c] = v·a + b. A constant
// channel (Std 0) is only centred, so that no division by zero yields Inf or NaN.
func (d *Dataset) normAffine() (a, b []float32) {
	if len(d.Mean) != d.C || len(d.Std) != d.C {
		panic(fmt.Sprintf("data: %s has %d channels but %d means and %d standard deviations", d.Name, d.C, len(d.Mean), len(d.Std)))
	}
	a, b = make([]float32, d.C), make([]float32, d.C)
	for c := 0; c < d.C; c++ {
		std := float64(d.Std[c])
		if std == 0 {
			std = 1
		}
		a[c], b[c] = float32(1/(255*std)), float32(-float64(d.Mean[c])/std)
	}
	return a, b
}

// normTable returns, per channel, the normalised value of every byte, v·a + b rounded once as
// vec.Bytes computes it (so a table lookup and the vector loop agree bit for bit). It is rebuilt
// per batch (768 values for 3 channels) so that it always follows Mean and Std.
func (d *Dataset) normTable() [][256]float32 {
	a, b := d.normAffine()
	lut := make([][256]float32, d.C)
	for c := range lut {
		for v := 0; v < 256; v++ {
			lut[c][v] = vec.ByteValue(uint8(v), a[c], b[c])
		}
	}
	return lut
}

// ExampleSize is the number of float32 values one example occupies in a batch: C·H·W.
func (d *Dataset) ExampleSize() int { return d.C * d.H * d.W }

// String describes the data set in one line.
func (d *Dataset) String() string {
	return fmt.Sprintf("%s: %d×%d×%d, %d classes, train %d, val %d, test %d",
		d.Name, d.H, d.W, d.C, d.Classes, d.Train.Len(), d.Val.Len(), d.Test.Len())
}
