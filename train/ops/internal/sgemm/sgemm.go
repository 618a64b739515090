// Package sgemm is a single-precision general matrix multiply in the GotoBLAS/BLIS style:
// panels of A and B are packed into contiguous buffers sized for the caches, and a
// register-blocked micro-kernel (AVX-512 or AVX2+FMA assembly on amd64, Go elsewhere) computes
// each tile of C.
package sgemm

import (
	"fmt"
	"sync/atomic"
)

// kernel_amd64.s is generated; TestGeneratedKernelsUpToDate checks that it matches gen.go.
//go:generate go run gen.go

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices, op(A) being m×k and op(B)
// k×n, op(X) = Xᵀ when the trans flag is set; the semantics of BLAS sgemm in row-major order
// (gonum's blas32 Sgemm). lda, ldb and ldc are the row strides of A, B and C as stored. When
// beta is zero C is only written, so NaNs in it do not propagate. It runs on the calling
// goroutine and allocates nothing in the steady state. Bad sizes panic.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sgemm(active, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// KernelName names the micro-kernel Sgemm uses on this CPU.
func KernelName() string { return active.name }

func sgemm(ker *kernel, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	check(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	ws := getWork(ker, m, n, k)
	defer putWork(ws)
	for jc := 0; jc < n; jc += ker.nc {
		nb := min(ker.nc, n-jc)
		for pc := 0; pc < k; pc += ker.kc {
			kb := min(ker.kc, k-pc)
			packB(transB, b, ldb, pc, jc, kb, nb, ker.nr, ws.b)
			bt := beta
			if pc > 0 {
				bt = 1
			}
			for ic := 0; ic < m; ic += ker.mc {
				mb := min(ker.mc, m-ic)
				packA(transA, a, lda, ic, pc, mb, kb, ker.mr, ws.a)
				macro(ker, ws, mb, nb, kb, alpha, bt, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

// macro multiplies the packed mb×kb block of A by the packed kb×nb block of B into C.
func macro(ker *kernel, ws *work, mb, nb, kb int, alpha, beta float32, c []float32, ldc int) {
	mr, nr := ker.mr, ker.nr
	for jr := 0; jr < nb; jr += nr {
		bp := &ws.b[jr*kb]
		cols := min(nr, nb-jr)
		for ir := 0; ir < mb; ir += mr {
			ap := &ws.a[ir*kb]
			rows := min(mr, mb-ir)
			if rows == mr && cols == nr {
				ker.fn(kb, ap, bp, &c[ir*ldc+jr], ldc, alpha, beta)
				continue
			}
			// Edge tile: compute the whole zero-padded tile aside, then merge what exists.
			t := ws.tile[:mr*nr]
			ker.fn(kb, ap, bp, &t[0], nr, alpha, 0)
			for i := 0; i < rows; i++ {
				cr, tr := c[(ir+i)*ldc+jr:][:cols], t[i*nr:][:cols]
				if beta == 0 {
					copy(cr, tr)
					continue
				}
				for j, v := range tr {
					cr[j] = v + beta*cr[j]
				}
			}
		}
	}
}

// scale sets C = beta·C, writing zeros without reading C when beta is zero.
func scale(m, n int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc:][:n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// work is one call's packing scratch, kept in workCache between calls.
type work struct {
	a, b []float32
	tile [maxTile]float32
}

// workCache holds idle scratch. It is not a sync.Pool: a pool is emptied by every other GC and,
// under the race detector, drops items at random, and each miss here costs megabytes.
var workCache [32]atomic.Pointer[work]

// getWork returns scratch big enough for an m×n×k product with ker's blocking.
func getWork(ker *kernel, m, n, k int) *work {
	var ws *work
	for i := range workCache {
		if ws = workCache[i].Swap(nil); ws != nil {
			break
		}
	}
	if ws == nil {
		ws = new(work)
	}
	kc := min(ker.kc, k)
	mc := (min(ker.mc, m) + ker.mr - 1) / ker.mr * ker.mr
	nc := (min(ker.nc, n) + ker.nr - 1) / ker.nr * ker.nr
	if len(ws.a) < mc*kc {
		ws.a = make([]float32, mc*kc)
	}
	if len(ws.b) < nc*kc {
		ws.b = make([]float32, nc*kc)
	}
	return ws
}

// putWork keeps ws for a later call, or drops it when the cache is full.
func putWork(ws *work) {
	for i := range workCache {
		if workCache[i].CompareAndSwap(nil, ws) {
			return
		}
	}
}

// check panics, as BLAS does, on negative sizes, short strides or short slices.
func check(transA, transB bool, m, n, k, la, lda, lb, ldb, lc, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("sgemm: negative size m=%d n=%d k=%d", m, n, k))
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	need := func(name string, rows, cols, l, ld int) {
		if ld < max(1, cols) {
			panic(fmt.Sprintf("sgemm: %s stride %d < %d columns", name, ld, cols))
		}
		if rows > 0 && cols > 0 && l < (rows-1)*ld+cols {
			panic(fmt.Sprintf("sgemm: %s has %d elements, %d×%d with stride %d needs %d", name, l, rows, cols, ld, (rows-1)*ld+cols))
		}
	}
	need("A", ar, ac, la, lda)
	need("B", br, bc, lb, ldb)
	need("C", m, n, lc, ldc)
}
