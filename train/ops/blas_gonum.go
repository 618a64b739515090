//go:build !openblas

package ops

import "evo/train/ops/internal/sgemm"

// Without -tags openblas the float32 GEMMs run on internal/sgemm (AVX-512 or AVX2 assembly,
// pure Go elsewhere), several times faster than gonum's pure-Go Sgemm; float64 stays on gonum.
func init() { sgemm32 = sgemm.Sgemm }

// BLASName names the BLAS behind this package's float32 GEMMs.
const BLASName = "sgemm"
