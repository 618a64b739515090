package sgemm

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"
)

var tune = flag.Bool("sgemm.tune", false, "run BenchmarkTune")

// BenchmarkTune sweeps the cache blocking of the active kernel over the benchmark shapes:
// go test -run XXX -bench Tune -sgemm.tune
func BenchmarkTune(b *testing.B) {
	if !*tune {
		b.Skip("needs -sgemm.tune")
	}
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
		for _, kc := range []int{128, 192, 256, 384, 576} {
			for _, mc := range []int{64, 128, 256} {
				ker := *active
				ker.kc, ker.mc = kc, mc
				b.Run(fmt.Sprintf("%s/kc%d/mc%d", s.name, kc, mc), func(b *testing.B) {
					for b.Loop() {
						sgemm(&ker, s.ta, s.tb, s.m, s.n, s.k, 1, x, lda, y, ldb, 0, z, s.n)
					}
					b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}
