//go:build !openblas

package ops

// BLASName names the BLAS behind this package's GEMMs.
const BLASName = "gonum"
