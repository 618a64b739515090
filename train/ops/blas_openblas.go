//go:build openblas

package ops

/*
#cgo LDFLAGS: -lopenblas
void openblas_set_num_threads(int);
*/
import "C"

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// With -tags openblas every GEMM of this package goes to OpenBLAS. The ops split the batch over
// GOMAXPROCS goroutines themselves, so OpenBLAS runs single-threaded to avoid oversubscription.
func init() {
	blas32.Use(netlib.Implementation{})
	blas64.Use(netlib.Implementation{})
	C.openblas_set_num_threads(1)
}

// BLASName names the BLAS behind this package's GEMMs.
const BLASName = "openblas"
