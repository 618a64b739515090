package ops

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// ConvConfig parameterises one Conv2D.
type ConvConfig struct {
	// Stride is the stride in y and x, a power of two. Zero means 1.
	Stride int
	// NoInputGrad skips the gradient with respect to the input x, saving a GEMM and a col2im per
	// example; set it when x is the network input. False (compute it) by default.
	NoInputGrad bool
}

// Validate reports a stride that is not a power of two.
func (c ConvConfig) Validate() error {
	s := c.stride()
	if s < 1 || s&(s-1) != 0 {
		return fmt.Errorf("conv2d: stride %d: want 0 (meaning 1) or a power of two: %w", c.Stride, ErrConfig)
	}
	return nil
}

func (c ConvConfig) stride() int {
	if c.Stride == 0 {
		return 1
	}
	return c.Stride
}

// Conv2DOp is a bias-free NCHW convolution with TensorFlow SAME padding: output size
// ceil(in/stride), pad_total = max((out−1)·stride + k − in, 0), pad_top = pad_total/2 (the extra
// row at the bottom, the extra column at the right). Forward is im2col + one GEMM per example
// (no im2col for 1×1 stride 1); backward is GEMM + col2im for the input and GEMM for the weights.
type Conv2DOp struct {
	g           convGeom
	noInputGrad bool
	id          uint64

	out, dx, dw slot        // outputs of forward, grad-input, grad-weight
	cols        workerSlots // per-worker K×N im2col (forward, grad-weight) or dcol (grad-input)
	dws         workerSlots // per-worker partial weight gradients (workers 1..n-1)

	// With a weight gradient in the graph (SymDiff ran) and a column matrix of the whole batch
	// within maxColCache values, the forward pass keeps every example's im2col in colCache and
	// the weight gradient reuses it instead of recomputing it. colsOf identifies the input they
	// were computed from (a pointer to its first element).
	cacheCols bool
	colCache  slot
	colsOf    any
}

// maxColCache bounds the values of one conv's cached column matrices (128 MiB of float32): past
// it the weight gradient recomputes im2col, trading time for memory. A variable for the tests.
var maxColCache int64 = 32 << 20

// Conv2D applies a SAME-padded convolution of x (B,Ci,H,W) with filter w (Co,Ci,KH,KW), KH and KW
// odd, giving (B,Co,ceil(H/s),ceil(W/s)).
func Conv2D(x, w *gorgonia.Node, cfg ConvConfig) (*gorgonia.Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	xs, ws := x.Shape(), w.Shape()
	if xs.Dims() != 4 || ws.Dims() != 4 {
		return nil, fmt.Errorf("conv2d: input shape %v and filter shape %v: both must be 4-D (NCHW, OIHW): %w", xs, ws, ErrShape)
	}
	if ws[1] != xs[1] {
		return nil, fmt.Errorf("conv2d: filter %v has %d input channels, input %v has %d: %w", ws, ws[1], xs, xs[1], ErrShape)
	}
	g, err := newConvGeom(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], cfg.stride())
	if err != nil {
		return nil, err
	}
	op := &Conv2DOp{g: g, noInputGrad: cfg.NoInputGrad, id: nextInstance()}
	n, err := gorgonia.ApplyOp(op, x, w)
	if err != nil {
		return nil, fmt.Errorf("conv2d: %w", err)
	}
	return n, nil
}

// FLOPs counts one forward pass: 2·B·Co·K·Ho·Wo, all in the GEMMs.
func (op *Conv2DOp) FLOPs() (matmul, other int64) { return op.g.flops(), 0 }

// Arity is 2: input and filter.
func (op *Conv2DOp) Arity() int { return 2 }

// Type is Tensor-4 a → Tensor-4 a → Tensor-4 a.
func (op *Conv2DOp) Type() hm.Type { return hm.NewFnType(tensorType(4), tensorType(4), tensorType(4)) }

// InferShape returns (B, Co, Ho, Wo).
func (op *Conv2DOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{op.g.B, op.g.Co, op.g.Ho, op.g.Wo}, nil
}

// Do runs the forward convolution into the op's output buffer.
func (op *Conv2DOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 2 {
		return nil, fmt.Errorf("conv2d: %d inputs, want 2: %w", len(vs), ErrShape)
	}
	dt, err := dtypeOf("conv2d", vs[0])
	if err != nil {
		return nil, err
	}
	if dt == tensor.Float32 {
		return convForward[float32](op, vs[0], vs[1])
	}
	return convForward[float64](op, vs[0], vs[1])
}

func convForward[T float](op *Conv2DOp, xv, wv gorgonia.Value) (gorgonia.Value, error) {
	g := op.g
	x, err := data[T]("conv2d", xv, g.B*g.Ci*g.H*g.W)
	if err != nil {
		return nil, err
	}
	w, err := data[T]("conv2d filter", wv, g.Co*g.K())
	if err != nil {
		return nil, err
	}
	y := get[T](&op.out, g.B*g.Co*g.N())
	op.cols.at(workers(g.B) - 1)
	in, k, n := g.Ci*g.H*g.W, g.K(), g.N()
	var cache []T
	op.colsOf = nil
	if op.cacheCols && !g.direct() {
		cache = get[T](&op.colCache, g.B*k*n)
	}
	parallel(g.B, func(wk, lo, hi int) {
		var col []T
		if !g.direct() && cache == nil {
			col = get[T](op.cols.at(wk), k*n)
		}
		for b := lo; b < hi; b++ {
			src := x[b*in : (b+1)*in]
			if !g.direct() {
				if cache != nil {
					col = cache[b*k*n : (b+1)*k*n]
				}
				im2col(g, src, col)
				src = col
			}
			gemm(false, false, g.Co, n, k, 1, w, k, src, n, 0, y[b*g.Co*n:(b+1)*g.Co*n], n)
		}
	})
	if cache != nil {
		op.colsOf = &x[0]
	}
	return wrap(y, g.B, g.Co, g.Ho, g.Wo), nil
}

// cachedCols returns the column matrices of the whole batch when the last forward pass kept
// them for input x, else nil.
func cachedCols[T float](op *Conv2DOp, x []T) []T {
	if op.colsOf == nil || op.colsOf != any(&x[0]) {
		return nil
	}
	c, ok := op.colCache.v.([]T)
	if !ok {
		return nil
	}
	return c
}

// ReturnsPtr is true: the result is the op's own reused buffer.
func (op *Conv2DOp) ReturnsPtr() bool { return true }

// CallsExtern is false: GEMMs run synchronously inside Do, nothing needs a flush.
func (op *Conv2DOp) CallsExtern() bool { return false }

// OverwritesInput is -1: no input is overwritten.
func (op *Conv2DOp) OverwritesInput() int { return -1 }

// WriteHash writes the geometry and the instance number.
func (op *Conv2DOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%v#%d", op, op.id) }

// Hashcode hashes WriteHash.
func (op *Conv2DOp) Hashcode() uint32 { return opHash(op) }

// String describes the op.
func (op *Conv2DOp) String() string {
	g := op.g
	return fmt.Sprintf("Conv2D(%dx%dx%dx%d * %dx%dx%d s%d)", g.B, g.Ci, g.H, g.W, g.Co, g.KH, g.KW, g.S)
}

// DiffWRT: the filter always, the input unless NoInputGrad.
func (op *Conv2DOp) DiffWRT(int) []bool { return []bool{!op.noInputGrad, true} }

// SymDiff returns the grad-input node (nil with NoInputGrad) and the grad-weight node.
func (op *Conv2DOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != 2 {
		return nil, fmt.Errorf("conv2d symdiff: %d inputs, want 2: %w", len(inputs), ErrShape)
	}
	var dx *gorgonia.Node
	var err error
	if !op.noInputGrad {
		if dx, err = gorgonia.ApplyOp(&convGradInputOp{op}, inputs[1], grad); err != nil {
			return nil, fmt.Errorf("conv2d grad input: %w", err)
		}
	}
	op.cacheCols = int64(op.g.B)*int64(op.g.K())*int64(op.g.N()) <= maxColCache
	dw, err := gorgonia.ApplyOp(&convGradWeightOp{op}, inputs[0], grad)
	if err != nil {
		return nil, fmt.Errorf("conv2d grad weight: %w", err)
	}
	return gorgonia.Nodes{dx, dw}, nil
}
