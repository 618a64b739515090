package ops

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// DenseOp is the fully-connected layer x (B,C) · w (C,K) + b (K), giving (B,K). It replaces the
// stock Mul + BroadcastAdd (and their gradients' transposes, repeats and reductions) by one node
// and three gradient nodes with reused buffers.
type DenseOp struct {
	bt, c, k int
	id       uint64

	out, dx, dw, db slot
}

// Dense returns x·w + b for x (B,C), w (C,K) and b (K).
func Dense(x, w, b *gorgonia.Node) (*gorgonia.Node, error) {
	xs, ws, bs := x.Shape(), w.Shape(), b.Shape()
	if xs.Dims() != 2 || ws.Dims() != 2 || bs.Dims() != 1 || xs[1] != ws[0] || bs[0] != ws[1] {
		return nil, fmt.Errorf("dense: input %v, weights %v, bias %v: want (B,C), (C,K), (K): %w", xs, ws, bs, ErrShape)
	}
	op := &DenseOp{bt: xs[0], c: xs[1], k: ws[1], id: nextInstance()}
	n, err := gorgonia.ApplyOp(op, x, w, b)
	if err != nil {
		return nil, fmt.Errorf("dense: %w", err)
	}
	return n, nil
}

// Arity is 3: input, weights, bias.
func (op *DenseOp) Arity() int { return 3 }

// Type is Matrix a → Matrix a → Vector a → Matrix a.
func (op *DenseOp) Type() hm.Type {
	return hm.NewFnType(tensorType(2), tensorType(2), tensorType(1), tensorType(2))
}

// InferShape returns (B, K).
func (op *DenseOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{op.bt, op.k}, nil
}

// Do computes x·w + b into the op's output buffer.
func (op *DenseOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 3 {
		return nil, fmt.Errorf("dense: %d inputs, want 3: %w", len(vs), ErrShape)
	}
	dt, err := dtypeOf("dense", vs[0])
	if err != nil {
		return nil, err
	}
	if dt == tensor.Float32 {
		return denseForward[float32](op, vs...)
	}
	return denseForward[float64](op, vs...)
}

func denseForward[T float](op *DenseOp, vs ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := data[T]("dense x", vs[0], op.bt*op.c)
	if err != nil {
		return nil, err
	}
	w, err := data[T]("dense w", vs[1], op.c*op.k)
	if err != nil {
		return nil, err
	}
	b, err := data[T]("dense b", vs[2], op.k)
	if err != nil {
		return nil, err
	}
	y := get[T](&op.out, op.bt*op.k)
	for i := range op.bt {
		copy(y[i*op.k:(i+1)*op.k], b)
	}
	gemm(false, false, op.bt, op.k, op.c, 1, x, op.c, w, op.k, 1, y, op.k)
	return wrap(y, op.bt, op.k), nil
}

// FLOPs counts genome's fcForward: 2·C·K per example plus K bias adds.
func (op *DenseOp) FLOPs() (matmul, other int64) {
	return 2 * int64(op.bt*op.c*op.k), int64(op.bt * op.k)
}

// ReturnsPtr is true: the result is the op's own reused buffer.
func (op *DenseOp) ReturnsPtr() bool { return true }

// CallsExtern is false.
func (op *DenseOp) CallsExtern() bool { return false }

// OverwritesInput is -1.
func (op *DenseOp) OverwritesInput() int { return -1 }

// WriteHash writes the shape and instance number.
func (op *DenseOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%v#%d", op, op.id) }

// Hashcode hashes WriteHash.
func (op *DenseOp) Hashcode() uint32 { return opHash(op) }

// String describes the op.
func (op *DenseOp) String() string {
	return fmt.Sprintf("Dense(%dx%d·%dx%d)", op.bt, op.c, op.c, op.k)
}

// DiffWRT: all three inputs.
func (op *DenseOp) DiffWRT(int) []bool { return []bool{true, true, true} }

// SymDiff returns dx = dy·wᵀ, dw = xᵀ·dy and db = Σ_rows dy.
func (op *DenseOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if len(inputs) != 3 {
		return nil, fmt.Errorf("dense symdiff: %d inputs, want 3: %w", len(inputs), ErrShape)
	}
	dx, err := gorgonia.ApplyOp(&denseGradOp{op: op, which: 0}, inputs[1], grad)
	if err != nil {
		return nil, fmt.Errorf("dense grad input: %w", err)
	}
	dw, err := gorgonia.ApplyOp(&denseGradOp{op: op, which: 1}, inputs[0], grad)
	if err != nil {
		return nil, fmt.Errorf("dense grad weights: %w", err)
	}
	db, err := gorgonia.ApplyOp(&denseGradOp{op: op, which: 2}, grad)
	if err != nil {
		return nil, fmt.Errorf("dense grad bias: %w", err)
	}
	return gorgonia.Nodes{dx, dw, db}, nil
}

// denseGradOp computes one gradient of a DenseOp: which 0 is dx from (w, dy), 1 is dw from
// (x, dy), 2 is db from (dy).
type denseGradOp struct {
	op    *DenseOp
	which int
}

func (g *denseGradOp) Arity() int {
	if g.which == 2 {
		return 1
	}
	return 2
}

func (g *denseGradOp) Type() hm.Type {
	if g.which == 2 {
		return hm.NewFnType(tensorType(2), tensorType(1))
	}
	return hm.NewFnType(tensorType(2), tensorType(2), tensorType(2))
}

func (g *denseGradOp) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) {
	switch g.which {
	case 0:
		return tensor.Shape{g.op.bt, g.op.c}, nil
	case 1:
		return tensor.Shape{g.op.c, g.op.k}, nil
	}
	return tensor.Shape{g.op.k}, nil
}

func (g *denseGradOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != g.Arity() {
		return nil, fmt.Errorf("%v: %d inputs, want %d: %w", g, len(vs), g.Arity(), ErrShape)
	}
	dt, err := dtypeOf(g.String(), vs[0])
	if err != nil {
		return nil, err
	}
	if dt == tensor.Float32 {
		return denseBackward[float32](g, vs...)
	}
	return denseBackward[float64](g, vs...)
}

func denseBackward[T float](g *denseGradOp, vs ...gorgonia.Value) (gorgonia.Value, error) {
	op := g.op
	dy, err := data[T]("dense grad dy", vs[len(vs)-1], op.bt*op.k)
	if err != nil {
		return nil, err
	}
	switch g.which {
	case 0:
		w, err := data[T]("dense grad w", vs[0], op.c*op.k)
		if err != nil {
			return nil, err
		}
		dx := get[T](&op.dx, op.bt*op.c)
		gemm(false, true, op.bt, op.c, op.k, 1, dy, op.k, w, op.k, 0, dx, op.c)
		return wrap(dx, op.bt, op.c), nil
	case 1:
		x, err := data[T]("dense grad x", vs[0], op.bt*op.c)
		if err != nil {
			return nil, err
		}
		dw := get[T](&op.dw, op.c*op.k)
		gemm(true, false, op.c, op.k, op.bt, 1, x, op.c, dy, op.k, 0, dw, op.k)
		return wrap(dw, op.c, op.k), nil
	}
	db := get[T](&op.db, op.k)
	clear(db)
	for i := range op.bt {
		for j, v := range dy[i*op.k : (i+1)*op.k] {
			db[j] += v
		}
	}
	return wrap(db, op.k), nil
}

// FLOPs counts genome's fcBackwardInput (2·C·K per example), fcBackwardParams' weight part
// (2·C·K per example) or its bias part (K per example).
func (g *denseGradOp) FLOPs() (matmul, other int64) {
	op := g.op
	if g.which == 2 {
		return 0, int64(op.bt * op.k)
	}
	return 2 * int64(op.bt*op.c*op.k), 0
}

func (g *denseGradOp) ReturnsPtr() bool      { return true }
func (g *denseGradOp) CallsExtern() bool     { return false }
func (g *denseGradOp) OverwritesInput() int  { return -1 }
func (g *denseGradOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "%v#%d", g, g.op.id) }
func (g *denseGradOp) Hashcode() uint32      { return opHash(g) }
func (g *denseGradOp) String() string {
	return [...]string{"GradInput", "GradWeights", "GradBias"}[g.which] + g.op.String()
}

var (
	_ FLOPCounter = (*DenseOp)(nil)
	_ FLOPCounter = (*denseGradOp)(nil)
)
