package ops

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// SoftmaxXentOp is the mean softmax cross-entropy of logits (B,K) against target distributions
// (B,K), usually one-hot: −(1/B)·Σ_i Σ_k y_ik·log softmax(z_i)_k, a scalar. It replaces the stock
// composition LogSoftMax → HadamardProd → Sum → scale (a dozen nodes with the gradient) by one
// node and one gradient node: the per-step overhead of the small head is what the smallest
// networks spend their time on. The targets get no gradient.
type SoftmaxXentOp struct {
	b, k int
	id   uint64

	prob    []float64 // softmax(z), saved by the forward pass for the gradient
	loss32  gorgonia.F32
	loss64  gorgonia.F64
	dlogits slot
}

// SoftmaxXent returns the mean softmax cross-entropy of logits (B,K) against targets (B,K).
func SoftmaxXent(logits, targets *gorgonia.Node) (*gorgonia.Node, error) {
	ls, ts := logits.Shape(), targets.Shape()
	if ls.Dims() != 2 || !ls.Eq(ts) {
		return nil, fmt.Errorf("softmax xent: logits %v and targets %v: want equal (B,K) shapes: %w", ls, ts, ErrShape)
	}
	op := &SoftmaxXentOp{b: ls[0], k: ls[1], id: nextInstance(), prob: make([]float64, ls[0]*ls[1])}
	n, err := gorgonia.ApplyOp(op, logits, targets)
	if err != nil {
		return nil, fmt.Errorf("softmax xent: %w", err)
	}
	return n, nil
}

// Arity is 2: logits and targets.
func (op *SoftmaxXentOp) Arity() int { return 2 }

// Type is Matrix a → Matrix a → a.
func (op *SoftmaxXentOp) Type() hm.Type {
	return hm.NewFnType(tensorType(2), tensorType(2), hm.TypeVariable('a'))
}

// InferShape is a scalar.
func (op *SoftmaxXentOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.ScalarShape(), nil
}

// Do computes the loss (a *gorgonia.F32 or *gorgonia.F64 owned by the op).
func (op *SoftmaxXentOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 2 {
		return nil, fmt.Errorf("softmax xent: %d inputs, want 2: %w", len(vs), ErrShape)
	}
	dt, err := dtypeOf("softmax xent", vs[0])
	if err != nil {
		return nil, err
	}
	if dt == tensor.Float32 {
		l, err := xentForward[float32](op, vs[0], vs[1])
		op.loss32 = gorgonia.F32(l)
		return &op.loss32, err
	}
	l, err := xentForward[float64](op, vs[0], vs[1])
	op.loss64 = gorgonia.F64(l)
	return &op.loss64, err
}

func xentForward[T float](op *SoftmaxXentOp, zv, yv gorgonia.Value) (float64, error) {
	z, err := data[T]("softmax xent logits", zv, op.b*op.k)
	if err != nil {
		return 0, err
	}
	y, err := data[T]("softmax xent targets", yv, op.b*op.k)
	if err != nil {
		return 0, err
	}
	var loss float64
	for i := range op.b {
		zi, yi := z[i*op.k:(i+1)*op.k], y[i*op.k:(i+1)*op.k]
		m := math.Inf(-1)
		for _, v := range zi {
			m = max(m, float64(v))
		}
		p := op.prob[i*op.k : (i+1)*op.k]
		var s float64
		for j, v := range zi {
			p[j] = math.Exp(float64(v) - m)
			s += p[j]
		}
		for j := range p {
			p[j] /= s
		}
		lse := m + math.Log(s)
		for j, t := range yi {
			if t != 0 {
				loss -= float64(t) * (float64(zi[j]) - lse)
			}
		}
	}
	return loss / float64(op.b), nil
}

// FLOPs counts genome's softmaxCrossEntropyForward per example: 4 per class and 3 more.
func (op *SoftmaxXentOp) FLOPs() (matmul, other int64) { return 0, int64(op.b * (4*op.k + 3)) }

// ReturnsPtr is true: the result is the op's own scalar.
func (op *SoftmaxXentOp) ReturnsPtr() bool { return true }

// CallsExtern is false.
func (op *SoftmaxXentOp) CallsExtern() bool { return false }

// OverwritesInput is -1.
func (op *SoftmaxXentOp) OverwritesInput() int { return -1 }

// WriteHash writes the shape and instance number.
func (op *SoftmaxXentOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%v#%d", op, op.id) }

// Hashcode hashes WriteHash.
func (op *SoftmaxXentOp) Hashcode() uint32 { return opHash(op) }

// String describes the op.
func (op *SoftmaxXentOp) String() string { return fmt.Sprintf("SoftmaxXent(%dx%d)", op.b, op.k) }

// DiffWRT: the logits only.
func (op *SoftmaxXentOp) DiffWRT(int) []bool { return []bool{true, false} }

// SymDiff returns the gradient of the logits, (softmax(z)·Σy − y)·dL/B, and nil for the targets.
func (op *SoftmaxXentOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != 2 {
		return nil, fmt.Errorf("softmax xent symdiff: %d inputs, want 2: %w", len(inputs), ErrShape)
	}
	dz, err := gorgonia.ApplyOp(&xentGradOp{op}, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, fmt.Errorf("softmax xent grad: %w", err)
	}
	return gorgonia.Nodes{dz, nil}, nil
}

// xentGradOp computes dL/dz from (z, y, dL) with the probabilities saved by the forward pass (z
// is an input only to order it after the forward pass).
type xentGradOp struct{ op *SoftmaxXentOp }

func (g *xentGradOp) Arity() int { return 3 }
func (g *xentGradOp) Type() hm.Type {
	return hm.NewFnType(tensorType(2), tensorType(2), hm.TypeVariable('a'), tensorType(2))
}
func (g *xentGradOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{g.op.b, g.op.k}, nil
}
func (g *xentGradOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 3 {
		return nil, fmt.Errorf("softmax xent grad: %d inputs, want 3: %w", len(vs), ErrShape)
	}
	dt, err := dtypeOf("softmax xent grad", vs[0])
	if err != nil {
		return nil, err
	}
	scale, err := scalarValue(vs[2])
	if err != nil {
		return nil, err
	}
	if dt == tensor.Float32 {
		return xentBackward[float32](g.op, vs[0], vs[1], scale)
	}
	return xentBackward[float64](g.op, vs[0], vs[1], scale)
}

func xentBackward[T float](op *SoftmaxXentOp, zv, yv gorgonia.Value, dl float64) (gorgonia.Value, error) {
	if _, err := data[T]("softmax xent grad logits", zv, op.b*op.k); err != nil {
		return nil, err
	}
	y, err := data[T]("softmax xent grad targets", yv, op.b*op.k)
	if err != nil {
		return nil, err
	}
	dz := get[T](&op.dlogits, op.b*op.k)
	c := dl / float64(op.b)
	for i := range op.b {
		p, yi, di := op.prob[i*op.k:(i+1)*op.k], y[i*op.k:(i+1)*op.k], dz[i*op.k:(i+1)*op.k]
		var sy float64
		for _, t := range yi {
			sy += float64(t)
		}
		for j, pj := range p {
			di[j] = T(c * (pj*sy - float64(yi[j])))
		}
	}
	return wrap(dz, op.b, op.k), nil
}

// scalarValue reads a scalar gorgonia value: *F32, *F64 or a one-element tensor.
func scalarValue(v gorgonia.Value) (float64, error) {
	switch s := v.(type) {
	case *gorgonia.F32:
		return float64(*s), nil
	case *gorgonia.F64:
		return float64(*s), nil
	case tensor.Tensor:
		switch d := s.Data().(type) {
		case float32:
			return float64(d), nil
		case float64:
			return d, nil
		case []float32:
			if len(d) == 1 {
				return float64(d[0]), nil
			}
		case []float64:
			if len(d) == 1 {
				return d[0], nil
			}
		}
	}
	return 0, fmt.Errorf("softmax xent grad: output gradient %T is not a scalar: %w", v, ErrShape)
}

// FLOPs counts genome's softmaxCrossEntropyBackward per example: 2 per class and 1 more.
func (g *xentGradOp) FLOPs() (matmul, other int64) { return 0, int64(g.op.b * (2*g.op.k + 1)) }

func (g *xentGradOp) ReturnsPtr() bool      { return true }
func (g *xentGradOp) CallsExtern() bool     { return false }
func (g *xentGradOp) OverwritesInput() int  { return -1 }
func (g *xentGradOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "Grad%v#%d", g.op, g.op.id) }
func (g *xentGradOp) Hashcode() uint32      { return opHash(g) }
func (g *xentGradOp) String() string        { return "Grad" + g.op.String() }

var (
	_ FLOPCounter = (*SoftmaxXentOp)(nil)
	_ FLOPCounter = (*xentGradOp)(nil)
)
