// Package vec holds the float32 loops of training that are bound by memory and by the scalar
// code Go emits: an add, a sum, batch-norm moments and gradient sums, the fused
// scale-shift-ReLU, the batch-norm input gradient, and the normalisation of image bytes. On
// amd64 with AVX2 and FMA they run in assembly, eight lanes at a time; elsewhere (and for the
// tails) in Go. Every function accepts slices of any length, including zero.
//
// Only loops over long runs are here: on the rows of a stride-2 im2col (16 values or so) a call
// costs more than it saves, and so it did when tried.
package vec

import "math"

// Add sets dst[i] += src[i] for i < len(src); dst must be at least as long as src.
func Add(dst, src []float32) {
	n := len(src)
	dst = dst[:n]
	i := 0
	if fast && n >= 8 {
		i = n &^ 7
		addAVX2(&dst[0], &src[0], i)
	}
	for ; i < n; i++ {
		dst[i] += src[i]
	}
}

// Sum returns Σx in float32, with independent accumulators (so the order of the additions
// differs from a left-to-right loop).
func Sum(x []float32) float32 {
	n := len(x)
	var s float32
	i := 0
	if fast && n >= 8 {
		i = n &^ 7
		var acc [8]float32
		sumAVX2(&x[0], i, &acc)
		s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
	}
	for ; i < n; i++ {
		s += x[i]
	}
	return s
}

// Moments adds to *s and *q the sum of x[i]−k and of (x[i]−k)², accumulating in float64.
func Moments(x []float32, k float64, s, q *float64) {
	n := len(x)
	i := 0
	if fast && n >= 8 {
		i = n &^ 7
		var acc [8]float64
		momentsAVX2(&x[0], i, k, &acc)
		*s += (acc[0] + acc[1]) + (acc[2] + acc[3])
		*q += (acc[4] + acc[5]) + (acc[6] + acc[7])
	}
	for ; i < n; i++ {
		d := float64(x[i]) - k
		*s += d
		*q += d * d
	}
}

// GradSums sets g[i] = dy[i] where scale·x[i] + shift > 0 and 0 elsewhere (the gradient through
// a ReLU that followed the affine map), and adds Σg to *sg and Σg·(x−mean) to *sgx. The
// assembly sums in float32 over blocks of 256 values and adds the blocks in float64, with mean
// rounded to float32; the Go loop sums in float64.
// g, x and dy have the same length.
func GradSums(g, x, dy []float32, scale, shift float32, mean float64, sg, sgx *float64) {
	n := len(x)
	g, dy = g[:n], dy[:n]
	i := 0
	if fast && n >= 8 {
		i = n &^ 7
		var acc [8]float64
		gradSumsAVX2(&g[0], &x[0], &dy[0], i, scale, shift, float32(mean), &acc)
		*sg += (acc[0] + acc[1]) + (acc[2] + acc[3])
		*sgx += (acc[4] + acc[5]) + (acc[6] + acc[7])
	}
	for ; i < n; i++ {
		var v float32
		if scale*x[i]+shift > 0 {
			v = dy[i]
		}
		g[i] = v
		*sg += float64(v)
		*sgx += float64(v) * (float64(x[i]) - mean)
	}
}

// ScaleShiftReLU sets dst[i] = max(a·src[i] + s, 0), where every value with its sign bit set
// (negative numbers, −0, −Inf, negative NaNs) gives +0.
func ScaleShiftReLU(dst, src []float32, a, s float32) {
	n := len(src)
	dst = dst[:n]
	i := 0
	if fast && n >= 8 {
		i = n &^ 7
		scaleShiftReLUAVX2(&dst[0], &src[0], i, a, s)
	}
	for ; i < n; i++ {
		k := math.Float32bits(a*src[i] + s)
		dst[i] = math.Float32frombits(k &^ uint32(int32(k)>>31))
	}
}

// AffineSub sets dst[i] = cm·dst[i] − (cx·x[i] + c0): the batch-norm input gradient.
func AffineSub(dst, x []float32, cm, cx, c0 float32) {
	n := len(x)
	dst = dst[:n]
	i := 0
	if fast && n >= 8 {
		i = n &^ 7
		affineSubAVX2(&dst[0], &x[0], i, cm, cx, c0)
	}
	for ; i < n; i++ {
		dst[i] = cm*dst[i] - (cx*x[i] + c0)
	}
}

// Bytes sets dst[i] = float32(src[i])·a + b, rounded once (a fused multiply-add): the
// normalisation of image bytes. dst must be at least as long as src.
func Bytes(dst []float32, src []uint8, a, b float32) {
	n := len(src)
	dst = dst[:n]
	i := 0
	if fast && n >= 8 {
		i = n &^ 7
		bytesAVX2(&dst[0], &src[0], i, a, b)
	}
	for ; i < n; i++ {
		dst[i] = ByteValue(src[i], a, b)
	}
}

// ByteValue is float32(v)·a + b rounded once, as Bytes computes it: v·a is exact in float64
// (8 by 24 significant bits), and so is its sum with b whenever the two are within 2²⁰ of each
// other in magnitude, which holds for any normalisation of image bytes.
func ByteValue(v uint8, a, b float32) float32 {
	return float32(float64(v)*float64(a) + float64(b))
}
