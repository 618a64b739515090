//go:build !openblas

package train

import "evo/train/ops"

// BLAS names the matrix-product implementation of this build: the convolutions' float32 GEMMs
// run on ops.BLASName ("sgemm", train/ops' assembly kernel); gorgonia's own small products (the
// head) on gonum's pure-Go BLAS. Built with -tags openblas it is "openblas" for both.
func BLAS() string { return ops.BLASName }
