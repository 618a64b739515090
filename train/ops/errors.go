package ops

import "errors"

// Sentinel errors; wrapped errors carry the offending shape or value.
var (
	// ErrShape reports an input whose shape does not fit the op.
	ErrShape = errors.New("ops: bad shape")
	// ErrDtype reports an input that is neither float32 nor float64, or mixed dtypes.
	ErrDtype = errors.New("ops: unsupported dtype")
	// ErrConfig reports an invalid op parameter (stride, epsilon, decay, ...).
	ErrConfig = errors.New("ops: bad parameter")
	// ErrLayout reports an input tensor that is not a dense, contiguous, row-major *tensor.Dense.
	ErrLayout = errors.New("ops: unsupported tensor layout")
)
