package sgemm

import (
	"runtime"
	"sync"
)

// SgemmParallel is Sgemm with the columns of C split over up to GOMAXPROCS goroutines. Use it
// for one large product; callers that already run one GEMM per goroutine want Sgemm.
func SgemmParallel(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	check(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	nr := active.nr
	parts := min(runtime.GOMAXPROCS(0), (n+nr-1)/nr)
	if parts <= 1 || m == 0 {
		Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	chunk := ((n+parts-1)/parts + nr - 1) / nr * nr
	var wg sync.WaitGroup
	for j0 := 0; j0 < n; j0 += chunk {
		nj := min(chunk, n-j0)
		bj := b
		if k > 0 {
			if transB {
				bj = b[j0*ldb:]
			} else {
				bj = b[j0:]
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			Sgemm(transA, transB, m, nj, k, alpha, a, lda, bj, ldb, beta, c[j0:], ldc)
		}()
	}
	wg.Wait()
}
