package ops

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// convGradInputOp computes dL/dx from the filter w and dL/dy: per example dcol = wᵀ·dy, then col2im.
type convGradInputOp struct{ c *Conv2DOp }

func (op *convGradInputOp) Arity() int { return 2 }
func (op *convGradInputOp) Type() hm.Type {
	return hm.NewFnType(tensorType(4), tensorType(4), tensorType(4))
}
func (op *convGradInputOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	g := op.c.g
	return tensor.Shape{g.B, g.Ci, g.H, g.W}, nil
}
func (op *convGradInputOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 2 {
		return nil, fmt.Errorf("conv2d grad input: %d inputs, want 2: %w", len(vs), ErrShape)
	}
	dt, err := dtypeOf("conv2d grad input", vs[0])
	if err != nil {
		return nil, err
	}
	if dt == tensor.Float32 {
		return convGradInput[float32](op.c, vs[0], vs[1])
	}
	return convGradInput[float64](op.c, vs[0], vs[1])
}

func convGradInput[T float](op *Conv2DOp, wv, dyv gorgonia.Value) (gorgonia.Value, error) {
	g := op.g
	w, err := data[T]("conv2d grad input filter", wv, g.Co*g.K())
	if err != nil {
		return nil, err
	}
	dy, err := data[T]("conv2d grad input dy", dyv, g.B*g.Co*g.N())
	if err != nil {
		return nil, err
	}
	dx := get[T](&op.dx, g.B*g.Ci*g.H*g.W)
	op.cols.at(workers(g.B) - 1)
	in, k, n := g.Ci*g.H*g.W, g.K(), g.N()
	parallel(g.B, func(wk, lo, hi int) {
		var dcol []T
		if !g.direct() {
			dcol = get[T](op.cols.at(wk), k*n)
		}
		for b := lo; b < hi; b++ {
			dyb, dxb := dy[b*g.Co*n:(b+1)*g.Co*n], dx[b*in:(b+1)*in]
			if g.direct() {
				gemm(true, false, k, n, g.Co, 1, w, k, dyb, n, 0, dxb, n)
				continue
			}
			gemm(true, false, k, n, g.Co, 1, w, k, dyb, n, 0, dcol, n)
			col2im(g, dcol, dxb)
		}
	})
	return wrap(dx, g.B, g.Ci, g.H, g.W), nil
}

// FLOPs counts the GEMMs (as many as the forward pass); col2im is data movement.
func (op *convGradInputOp) FLOPs() (matmul, other int64) { return op.c.g.flops(), 0 }

func (op *convGradInputOp) ReturnsPtr() bool      { return true }
func (op *convGradInputOp) CallsExtern() bool     { return false }
func (op *convGradInputOp) OverwritesInput() int  { return -1 }
func (op *convGradInputOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%v#%d", op, op.c.id) }
func (op *convGradInputOp) Hashcode() uint32      { return opHash(op) }
func (op *convGradInputOp) String() string        { return "GradInput" + op.c.String() }

// convGradWeightOp computes dL/dw from the input x and dL/dy: the sum over examples of dy·colᵀ.
type convGradWeightOp struct{ c *Conv2DOp }

func (op *convGradWeightOp) Arity() int { return 2 }
func (op *convGradWeightOp) Type() hm.Type {
	return hm.NewFnType(tensorType(4), tensorType(4), tensorType(4))
}
func (op *convGradWeightOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	g := op.c.g
	return tensor.Shape{g.Co, g.Ci, g.KH, g.KW}, nil
}
func (op *convGradWeightOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 2 {
		return nil, fmt.Errorf("conv2d grad weight: %d inputs, want 2: %w", len(vs), ErrShape)
	}
	dt, err := dtypeOf("conv2d grad weight", vs[0])
	if err != nil {
		return nil, err
	}
	if dt == tensor.Float32 {
		return convGradWeight[float32](op.c, vs[0], vs[1])
	}
	return convGradWeight[float64](op.c, vs[0], vs[1])
}

func convGradWeight[T float](op *Conv2DOp, xv, dyv gorgonia.Value) (gorgonia.Value, error) {
	g := op.g
	x, err := data[T]("conv2d grad weight x", xv, g.B*g.Ci*g.H*g.W)
	if err != nil {
		return nil, err
	}
	dy, err := data[T]("conv2d grad weight dy", dyv, g.B*g.Co*g.N())
	if err != nil {
		return nil, err
	}
	in, k, n := g.Ci*g.H*g.W, g.K(), g.N()
	dw := get[T](&op.dw, g.Co*k)
	nw := workers(g.B)
	op.cols.at(nw - 1)
	op.dws.at(nw - 1)
	cache := cachedCols(op, x)
	parallel(g.B, func(wk, lo, hi int) {
		acc := dw
		if wk > 0 {
			acc = get[T](op.dws.at(wk), g.Co*k)
		}
		var col []T
		if !g.direct() && cache == nil {
			col = get[T](op.cols.at(wk), k*n)
		}
		for b := lo; b < hi; b++ {
			src := x[b*in : (b+1)*in]
			switch {
			case g.direct():
			case cache != nil:
				src = cache[b*k*n : (b+1)*k*n]
			default:
				im2col(g, src, col)
				src = col
			}
			var beta T
			if b > lo {
				beta = 1
			}
			gemm(false, true, g.Co, k, n, 1, dy[b*g.Co*n:(b+1)*g.Co*n], n, src, n, beta, acc, k)
		}
	})
	for wk := 1; wk < nw; wk++ {
		addTo(dw, get[T](op.dws.at(wk), g.Co*k))
	}
	return wrap(dw, g.Co, g.Ci, g.KH, g.KW), nil
}

// FLOPs counts the GEMMs (as many as the forward pass).
func (op *convGradWeightOp) FLOPs() (matmul, other int64) { return op.c.g.flops(), 0 }

func (op *convGradWeightOp) ReturnsPtr() bool      { return true }
func (op *convGradWeightOp) CallsExtern() bool     { return false }
func (op *convGradWeightOp) OverwritesInput() int  { return -1 }
func (op *convGradWeightOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%v#%d", op, op.c.id) }
func (op *convGradWeightOp) Hashcode() uint32      { return opHash(op) }
func (op *convGradWeightOp) String() string        { return "GradWeight" + op.c.String() }
