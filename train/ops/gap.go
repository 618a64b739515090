package ops

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"evo/train/internal/vec"
)

// GlobalAvgPoolOp averages each channel over its pixels: (B,C,H,W) → (B,C).
type GlobalAvgPoolOp struct {
	b, c, h, w int
	id         uint64
	out, dx    slot
}

// GlobalAvgPool averages x (B,C,H,W) over H and W, giving (B,C).
func GlobalAvgPool(x *gorgonia.Node) (*gorgonia.Node, error) {
	xs := x.Shape()
	if xs.Dims() != 4 {
		return nil, fmt.Errorf("global avg pool: input shape %v: want 4-D NCHW: %w", xs, ErrShape)
	}
	op := &GlobalAvgPoolOp{b: xs[0], c: xs[1], h: xs[2], w: xs[3], id: nextInstance()}
	n, err := gorgonia.ApplyOp(op, x)
	if err != nil {
		return nil, fmt.Errorf("global avg pool: %w", err)
	}
	return n, nil
}

// Arity is 1.
func (op *GlobalAvgPoolOp) Arity() int { return 1 }

// Type is Tensor-4 a → Tensor-2 a.
func (op *GlobalAvgPoolOp) Type() hm.Type { return hm.NewFnType(tensorType(4), tensorType(2)) }

// InferShape returns (B, C).
func (op *GlobalAvgPoolOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{op.b, op.c}, nil
}

// Do averages into the op's output buffer.
func (op *GlobalAvgPoolOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 1 {
		return nil, fmt.Errorf("global avg pool: %d inputs, want 1: %w", len(vs), ErrShape)
	}
	dt, err := dtypeOf("global avg pool", vs[0])
	if err != nil {
		return nil, err
	}
	if dt == tensor.Float32 {
		return gapForward[float32](op, vs[0])
	}
	return gapForward[float64](op, vs[0])
}

func gapForward[T float](op *GlobalAvgPoolOp, xv gorgonia.Value) (gorgonia.Value, error) {
	hw := op.h * op.w
	x, err := data[T]("global avg pool", xv, op.b*op.c*hw)
	if err != nil {
		return nil, err
	}
	y := get[T](&op.out, op.b*op.c)
	inv := 1 / float64(hw)
	parallelWork(len(y), len(x), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			y[i] = T(sum(x[i*hw:(i+1)*hw]) * inv)
		}
	})
	return wrap(y, op.b, op.c), nil
}

// sum adds x with eight independent accumulators of x's type: one chain of dependent adds is
// bound by the add latency, several run at the adder's throughput (and float32 needs no
// conversions; each accumulator sums only len(x)/8 values).
func sum[T float](x []T) float64 {
	if x32, ok := any(x).([]float32); ok {
		return float64(vec.Sum(x32))
	}
	var s0, s1, s2, s3, s4, s5, s6, s7 T
	i := 0
	for ; i+8 <= len(x); i += 8 {
		v := x[i : i+8 : i+8]
		s0 += v[0]
		s1 += v[1]
		s2 += v[2]
		s3 += v[3]
		s4 += v[4]
		s5 += v[5]
		s6 += v[6]
		s7 += v[7]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return float64(((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)))
}

// FLOPs counts an add per element and a multiply per channel.
func (op *GlobalAvgPoolOp) FLOPs() (matmul, other int64) {
	return 0, int64(op.b*op.c*op.h*op.w) + int64(op.b*op.c)
}

// ReturnsPtr is true: the result is the op's own reused buffer.
func (op *GlobalAvgPoolOp) ReturnsPtr() bool { return true }

// CallsExtern is false.
func (op *GlobalAvgPoolOp) CallsExtern() bool { return false }

// OverwritesInput is -1.
func (op *GlobalAvgPoolOp) OverwritesInput() int { return -1 }

// WriteHash writes the shape and instance number.
func (op *GlobalAvgPoolOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%v#%d", op, op.id) }

// Hashcode hashes WriteHash.
func (op *GlobalAvgPoolOp) Hashcode() uint32 { return opHash(op) }

// String describes the op.
func (op *GlobalAvgPoolOp) String() string {
	return fmt.Sprintf("GlobalAvgPool(%dx%dx%dx%d)", op.b, op.c, op.h, op.w)
}

// DiffWRT: the input.
func (op *GlobalAvgPoolOp) DiffWRT(int) []bool { return []bool{true} }

// SymDiff returns dx = dy/(H·W) broadcast over each channel's pixels.
func (op *GlobalAvgPoolOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	dx, err := gorgonia.ApplyOp(&gapGradOp{op}, grad)
	if err != nil {
		return nil, fmt.Errorf("global avg pool grad: %w", err)
	}
	return gorgonia.Nodes{dx}, nil
}

// gapGradOp spreads dy (B,C) evenly over (B,C,H,W).
type gapGradOp struct{ op *GlobalAvgPoolOp }

func (g *gapGradOp) Arity() int    { return 1 }
func (g *gapGradOp) Type() hm.Type { return hm.NewFnType(tensorType(2), tensorType(4)) }
func (g *gapGradOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{g.op.b, g.op.c, g.op.h, g.op.w}, nil
}
func (g *gapGradOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 1 {
		return nil, fmt.Errorf("global avg pool grad: %d inputs, want 1: %w", len(vs), ErrShape)
	}
	dt, err := dtypeOf("global avg pool grad", vs[0])
	if err != nil {
		return nil, err
	}
	if dt == tensor.Float32 {
		return gapBackward[float32](g.op, vs[0])
	}
	return gapBackward[float64](g.op, vs[0])
}

func gapBackward[T float](op *GlobalAvgPoolOp, dyv gorgonia.Value) (gorgonia.Value, error) {
	hw := op.h * op.w
	dy, err := data[T]("global avg pool grad", dyv, op.b*op.c)
	if err != nil {
		return nil, err
	}
	dx := get[T](&op.dx, op.b*op.c*hw)
	inv := 1 / T(hw)
	parallelWork(len(dy), len(dx), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			d := dy[i] * inv
			seg := dx[i*hw : (i+1)*hw]
			for j := range seg {
				seg[j] = d
			}
		}
	})
	return wrap(dx, op.b, op.c, op.h, op.w), nil
}

// FLOPs counts a multiply per element.
func (g *gapGradOp) FLOPs() (matmul, other int64) { return 0, int64(g.op.b * g.op.c * g.op.h * g.op.w) }

func (g *gapGradOp) ReturnsPtr() bool      { return true }
func (g *gapGradOp) CallsExtern() bool     { return false }
func (g *gapGradOp) OverwritesInput() int  { return -1 }
func (g *gapGradOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "Grad%v#%d", g.op, g.op.id) }
func (g *gapGradOp) Hashcode() uint32      { return opHash(g) }
func (g *gapGradOp) String() string        { return "Grad" + g.op.String() }
