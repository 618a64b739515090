//go:build openblas

package train

import (
	"gonum.org/v1/netlib/blas/netlib"
	G "gorgonia.org/gorgonia"
)

// Built with -tags openblas (and CGO_LDFLAGS=-lopenblas), gorgonia's matrix products go
// through OpenBLAS via gonum's netlib binding; see the package documentation.
func init() { G.Use(netlib.Implementation{}) }

// BLAS names the matrix-product implementation of this build: "openblas" for gorgonia's
// products and train/ops' convolutions alike.
func BLAS() string { return "openblas" }
