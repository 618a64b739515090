//go:build openblas

package sgemm

import (
	"os"

	"gonum.org/v1/netlib/blas/netlib"
)

// With -tags openblas (CGO_ENABLED=1 CGO_LDFLAGS=-lopenblas) the benchmarks compare with
// OpenBLAS too. Run with OPENBLAS_NUM_THREADS=1 for the single-threaded figure that Sgemm
// competes with: OpenBLAS reads it when the library loads.
func init() {
	name := "openblas"
	if os.Getenv("OPENBLAS_NUM_THREADS") != "1" {
		name = "openblas-multithreaded"
	}
	benchImpls = append(benchImpls, struct {
		name string
		f    gemmFunc
	}{name, func(ta, tb bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		netlib.Implementation{}.Sgemm(trans(ta), trans(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}})
}
