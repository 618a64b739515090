//go:build openblas

package ops

import (
	"gonum.org/v1/netlib/blas/netlib"
	"gorgonia.org/gorgonia"
)

// Under -tags openblas the stock compositions in the benchmarks use OpenBLAS too, so that the
// comparison is between ops and stock gorgonia on the same BLAS.
func init() { gorgonia.Use(netlib.Implementation{}) }
