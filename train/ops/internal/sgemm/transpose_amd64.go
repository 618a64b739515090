package sgemm

// transpose8 transposes 8 source rows of kb8 floats (a multiple of 8; row stride lds) into kb8
// rows of 8 floats at dst (row stride ldd). It needs AVX (hasAVX2 implies it).
//
//go:noescape
func transpose8(kb8 int, src *float32, lds int, dst *float32, ldd int)

// fastTranspose says whether transpose8 may run; tests switch it off to check the Go path.
var fastTranspose = hasAVX2

// copy32 copies kb rows of 32 floats (source row stride lds) to dst contiguously. It needs AVX.
//
//go:noescape
func copy32(kb int, src *float32, lds int, dst *float32)
