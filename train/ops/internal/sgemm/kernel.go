package sgemm

// A kernel is a register-blocked micro-kernel and the cache blocking tuned for it.
//
// fn computes the mr×nr tile C = alpha·Ap·Bp + beta·C: Ap is a packed mr×kc micro-panel (mr
// floats per k step), Bp a packed kc×nr micro-panel (nr floats per k step), C row-major with row
// stride ldc. When beta is ±0 C is only written. kc ≥ 1, and all mr×nr elements of C exist.
type kernel struct {
	name       string
	mr, nr     int // micro-tile
	kc, mc, nc int // cache blocks: kc and mc bound the packed A block (L2), kc and nc the B block
	fn         func(kc int, a, b, c *float32, ldc int, alpha, beta float32)
}

// active is the kernel Sgemm uses: the fastest one this CPU runs, chosen at init.
var active = best()

// goKernel builds a pure-Go kernel with the given tile, for CPUs without AVX2 and for tests.
func goKernel(mr, nr int) *kernel {
	return &kernel{name: "go", mr: mr, nr: nr, kc: 256, mc: 128, nc: 2048, fn: func(kc int, a, b, c *float32, ldc int, alpha, beta float32) {
		kernGo(mr, nr, kc, a, b, c, ldc, alpha, beta)
	}}
}
