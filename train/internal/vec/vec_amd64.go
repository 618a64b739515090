package vec

import "golang.org/x/sys/cpu"

// fast says whether the assembly may run (AVX2 and FMA); tests switch it off to check the Go
// loops against it.
var fast = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// The assembly handles n, a multiple of 8 and at least 8, elements; the Go wrappers the rest.

//go:noescape
func addAVX2(dst, src *float32, n int)

//go:noescape
func sumAVX2(x *float32, n int, acc *[8]float32)

//go:noescape
func momentsAVX2(x *float32, n int, k float64, acc *[8]float64)

//go:noescape
func gradSumsAVX2(out, x, dy *float32, n int, scale, shift, mean float32, acc *[8]float64)

//go:noescape
func scaleShiftReLUAVX2(dst, src *float32, n int, a, s float32)

//go:noescape
func affineSubAVX2(dst, x *float32, n int, cm, cx, c0 float32)

//go:noescape
func bytesAVX2(dst *float32, src *uint8, n int, a, b float32)
