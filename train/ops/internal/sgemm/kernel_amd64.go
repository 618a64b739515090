package sgemm

import "golang.org/x/sys/cpu"

//go:noescape
func kernAVX2_6x16(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kernAVX512_14x32(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kernAVX512_12x32(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kernAVX512_8x32(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kernAVX512_6x64(kc int, a, b, c *float32, ldc int, alpha, beta float32)

var (
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAVX512 = hasAVX2 && cpu.X86.HasAVX512F
)

// kernels lists the kernels this CPU can run, the preferred one first, then the pure-Go one.
func kernels() []*kernel {
	var ks []*kernel
	if hasAVX512 {
		ks = append(ks,
			&kernel{name: "avx512-8x32", mr: 8, nr: 32, kc: 256, mc: 96, nc: 4096, fn: kernAVX512_8x32},
			&kernel{name: "avx512-12x32", mr: 12, nr: 32, kc: 256, mc: 96, nc: 4096, fn: kernAVX512_12x32},
			&kernel{name: "avx512-14x32", mr: 14, nr: 32, kc: 256, mc: 112, nc: 4096, fn: kernAVX512_14x32},
			&kernel{name: "avx512-6x64", mr: 6, nr: 64, kc: 256, mc: 96, nc: 4096, fn: kernAVX512_6x64},
		)
	}
	if hasAVX2 {
		ks = append(ks, &kernel{name: "avx2-6x16", mr: 6, nr: 16, kc: 256, mc: 96, nc: 4096, fn: kernAVX2_6x16})
	}
	return append(ks, goKernel(4, 8))
}

func best() *kernel { return kernels()[0] }
