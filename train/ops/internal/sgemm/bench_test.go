package sgemm

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// benchShapes are the per-example GEMMs of the reference net "full" (3×3 convs 64→64 at 32×32,
// 64→128 stride 2, 128→128 at 16×16): forward (NN, M=Cout, N=H·W, K=Cin·9), input gradient
// (TN, M=Cin·9, N=H·W, K=Cout) and weight gradient (NT, M=Cout, N=Cin·9, K=H·W).
var benchShapes = []struct {
	name    string
	ta, tb  bool
	m, n, k int
}{
	{"fwd64x1024x576", false, false, 64, 1024, 576},
	{"fwd128x256x576", false, false, 128, 256, 576},
	{"fwd128x256x1152", false, false, 128, 256, 1152},
	{"dx576x1024x64", true, false, 576, 1024, 64},
	{"dx576x256x128", true, false, 576, 256, 128},
	{"dx1152x256x128", true, false, 1152, 256, 128},
	{"dw64x576x1024", false, true, 64, 576, 1024},
	{"dw128x576x256", false, true, 128, 576, 256},
	{"dw128x1152x256", false, true, 128, 1152, 256},
}

type gemmFunc func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// benchImpls are the implementations compared; the openblas build tag adds OpenBLAS.
var benchImpls = []struct {
	name string
	f    gemmFunc
}{
	{"sgemm", Sgemm},
	{"sgemm-parallel", SgemmParallel},
	{"gonum", func(ta, tb bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		gonum.Implementation{}.Sgemm(trans(ta), trans(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}},
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

func BenchmarkSgemm(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range benchShapes {
		lda, ldb := s.k, s.n
		if s.ta {
			lda = s.m
		}
		if s.tb {
			ldb = s.k
		}
		x, y, z := randSlice(rng, s.m*s.k), randSlice(rng, s.k*s.n), make([]float32, s.m*s.n)
		run := func(b *testing.B, f gemmFunc) {
			for b.Loop() {
				f(s.ta, s.tb, s.m, s.n, s.k, 1, x, lda, y, ldb, 0, z, s.n)
			}
			b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		}
		for _, im := range benchImpls {
			b.Run(s.name+"/"+im.name, func(b *testing.B) { run(b, im.f) })
		}
		for _, ker := range kernels() {
			if ker == active || ker.name == "go" {
				continue
			}
			b.Run(s.name+"/"+ker.name, func(b *testing.B) {
				run(b, func(ta, tb bool, m, n, k int, alpha float32, a []float32, lda int, bb []float32, ldb int, beta float32, c []float32, ldc int) {
					sgemm(ker, ta, tb, m, n, k, alpha, a, lda, bb, ldb, beta, c, ldc)
				})
			})
		}
	}
}
