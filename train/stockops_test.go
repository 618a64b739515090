package train

import (
	"fmt"
	"reflect"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"evo/genome"
	"evo/train/ops"
)

// stockOps builds every block of a network from stock gorgonia ops, in NCHW layout: the
// reference the custom ops of train/ops are checked against (TestCustomOpsMatchStock). Set it as
// buildSpec.blocks. It lives in a test file, so binaries do not carry it.
type stockOps struct{}

var _ blockBuilder = stockOps{}

// paramShape stores batch-norm scale and shift as (1, C, 1, 1), so that they broadcast over
// NCHW.
func (stockOps) paramShape(s genome.TensorSpec) tensor.Shape {
	if s.Role == genome.BNGamma || s.Role == genome.BNBeta {
		return tensor.Shape{1, s.Shape[0], 1, 1}
	}
	return tensor.Shape(append([]int(nil), s.Shape...))
}

// samePad returns TensorFlow's 'SAME' padding along one axis for input size in, filter size k and
// stride s: the output size is ceil(in/s), and of the total padding the smaller half goes
// before (top/left) and the larger after (bottom/right).
func samePad(in, k, s int) (out, before, after int) {
	out = (in + s - 1) / s
	total := max((out-1)*s+k-in, 0)
	return out, total / 2, total - total/2
}

// conv convolves x (B, Cin, H, W) with kernel w (Cout, Cin, kh, kw) at the given stride with
// 'SAME' padding and no bias. gorgonia's Conv2d pads symmetrically, so when the total padding of
// an axis is odd the extra bottom row (or right column) of zeros is concatenated explicitly.
// name must be unique in the graph: it names the zero constants. It always computes the
// gradient with respect to x (noInputGrad is ignored).
func (stockOps) conv(x, w *G.Node, stride int, _ bool, name string) (*G.Node, error) {
	xs, ws := x.Shape(), w.Shape()
	kh, kw := ws[2], ws[3]
	_, padT, padB := samePad(xs[2], kh, stride)
	_, padL, padR := samePad(xs[3], kw, stride)
	var err error
	if padB > padT {
		if x, err = concatZeros(x, 2, name+".padb"); err != nil {
			return nil, fmt.Errorf("conv %s: pad bottom: %w", name, err)
		}
	}
	if padR > padL {
		if x, err = concatZeros(x, 3, name+".padr"); err != nil {
			return nil, fmt.Errorf("conv %s: pad right: %w", name, err)
		}
	}
	y, err := G.Conv2d(x, w, tensor.Shape{kh, kw}, []int{padT, padL}, []int{stride, stride}, nil)
	if err != nil {
		return nil, fmt.Errorf("conv %s: %w", name, err)
	}
	return y, nil
}

// concatZeros appends one slice of zeros to x along axis (2 = a row, 3 = a column).
func concatZeros(x *G.Node, axis int, name string) (*G.Node, error) {
	s := x.Shape().Clone()
	s[axis] = 1
	return G.Concat(axis, x, zeros(x, s, name))
}

// zeros returns a constant of zeros of x's dtype and the given shape. gorgonia merges constants
// by name, so name must be unique in the graph.
func zeros(x *G.Node, s tensor.Shape, name string) *G.Node {
	return G.NewConstant(tensor.New(tensor.Of(x.Dtype()), tensor.WithShape(s...)), G.WithName(name))
}

// bnReLU applies batch normalisation with scale gamma and shift beta (both (1, C, 1, 1)) and
// then a ReLU. cfg.Decay is the running-statistics decay (running ← decay·running +
// (1−decay)·batch); gorgonia's "momentum" is 1−decay.
func (stockOps) bnReLU(x, gamma, beta *G.Node, cfg ops.BNConfig) (*G.Node, runningStats, error) {
	y, _, _, op, err := G.BatchNorm(x, gamma, beta, 1-cfg.Decay, cfg.Epsilon)
	if err != nil {
		return nil, nil, fmt.Errorf("batch norm: %w", err)
	}
	if y, err = G.Rectify(y); err != nil {
		return nil, nil, fmt.Errorf("relu: %w", err)
	}
	return y, stockBN{op}, nil
}

// stockBN gives a stock BatchNormOp, whose running statistics are tensors of the graph's dtype,
// the model's view of them. Switching the op back to training wipes them (a gorgonia trap:
// TestTrap5StateAcrossRuns shows it).
type stockBN struct{ op *G.BatchNormOp }

func (b stockBN) RunningStats() (mean, variance []float64) {
	rm, rv := b.op.Stats()
	return float64s(rm.(*tensor.Dense)), float64s(rv.(*tensor.Dense))
}

func (b stockBN) SetRunningStats(mean, variance []float64) error {
	rm, rv := b.op.Stats()
	setDense(rm.(*tensor.Dense), mean)
	setDense(rv.(*tensor.Dense), variance)
	return nil
}

func (b stockBN) SetTraining(training bool) error { return b.op.SetTraining(training) }

// float64s returns a float64 copy of a float32 or float64 dense tensor.
func float64s(d *tensor.Dense) []float64 {
	switch v := d.Data().(type) {
	case []float32:
		return widen(v)
	case []float64:
		return append([]float64(nil), v...)
	}
	return nil
}

// setDense copies src into a float32 or float64 dense tensor.
func setDense(d *tensor.Dense, src []float64) {
	switch v := d.Data().(type) {
	case []float32:
		copy(v, narrow(src))
	case []float64:
		copy(v, src)
	}
}

// skip turns a skip input x (B, C, H, W) into the shape of the vertex it feeds (to):
// nearest-neighbour resize, then channel truncation or zero padding. Along backbone skips the
// source is never smaller than the destination and the size ratio is a power of two, so the
// resize keeps every f-th row and column starting from the first, with f the smallest power of
// two such that ceil(H/f) equals the target height (the same positions a stride-f convolution
// centres on without padding). name must be unique in the graph.
func (stockOps) skip(x *G.Node, to genome.Shape, name string) (*G.Node, error) {
	s := x.Shape()
	fh, err := downFactor(s[2], to.H)
	if err != nil {
		return nil, fmt.Errorf("skip %s: height: %w", name, err)
	}
	fw, err := downFactor(s[3], to.W)
	if err != nil {
		return nil, fmt.Errorf("skip %s: width: %w", name, err)
	}
	if fh > 1 || fw > 1 {
		if x, err = subsample(x, fh, fw, name); err != nil {
			return nil, fmt.Errorf("skip %s: resize: %w", name, err)
		}
	}
	c := x.Shape()[1]
	switch {
	case c > to.C:
		// A slice of width 1 drops the axis, hence the reshape back to rank 4.
		want := x.Shape().Clone()
		want[1] = to.C
		if x, err = G.Slice(x, nil, G.S(0, to.C)); err == nil {
			x, err = G.Reshape(x, want)
		}
	case c < to.C:
		ps := x.Shape().Clone()
		ps[1] = to.C - c
		x, err = G.Concat(1, x, zeros(x, ps, name+".padc"))
	}
	if err != nil {
		return nil, fmt.Errorf("skip %s: channels %d → %d: %w", name, c, to.C, err)
	}
	return x, nil
}

// subsample keeps rows 0, fh, 2fh, … and columns 0, fw, 2fw, … of x (B, C, H, W). It pads H and
// W with zeros up to multiples of the factors, views the result as (B·C·H', fh, W', fw) and takes
// index 0 of the two factor axes (gorgonia's stepped Slice infers wrong shapes, so no steps).
func subsample(x *G.Node, fh, fw int, name string) (*G.Node, error) {
	s := x.Shape()
	b, c, h, w := s[0], s[1], s[2], s[3]
	ho, wo := (h+fh-1)/fh, (w+fw-1)/fw
	var err error
	if extra := ho*fh - h; extra > 0 {
		if x, err = G.Concat(2, x, zeros(x, tensor.Shape{b, c, extra, w}, name+".rsb")); err != nil {
			return nil, err
		}
	}
	if extra := wo*fw - w; extra > 0 {
		if x, err = G.Concat(3, x, zeros(x, tensor.Shape{b, c, ho * fh, extra}, name+".rsr")); err != nil {
			return nil, err
		}
	}
	if x, err = G.Reshape(x, tensor.Shape{b * c * ho, fh, wo, fw}); err != nil {
		return nil, err
	}
	if x, err = G.Slice(x, nil, G.S(0), nil, G.S(0)); err != nil {
		return nil, err
	}
	return G.Reshape(x, tensor.Shape{b, c, ho, wo})
}

// gap averages x (B, C, H, W) over H and W into (B, C). It reshapes to (B, C, H·W) and
// reduces one axis: gorgonia's Mean over two axes is silently wrong and its
// GlobalAveragePool2D has no gradient (traps_test.go shows both).
func (stockOps) gap(x *G.Node) (*G.Node, error) {
	s := x.Shape()
	r, err := G.Reshape(x, tensor.Shape{s[0], s[1], s[2] * s[3]})
	if err != nil {
		return nil, fmt.Errorf("global average pool: %w", err)
	}
	if s[2]*s[3] == 1 {
		return G.Reshape(r, tensor.Shape{s[0], s[1]})
	}
	y, err := G.Mean(r, 2)
	if err != nil {
		return nil, fmt.Errorf("global average pool: %w", err)
	}
	return y, nil
}

// dense is the fully-connected head: x (B, C) · w (C, K) + b (K).
func (stockOps) dense(x, w, b *G.Node) (*G.Node, error) {
	y, err := G.Mul(x, w)
	if err != nil {
		return nil, fmt.Errorf("dense: %w", err)
	}
	if y, err = G.BroadcastAdd(y, b, nil, []byte{0}); err != nil {
		return nil, fmt.Errorf("dense bias: %w", err)
	}
	return y, nil
}

// xent is the mean softmax cross-entropy of logits (B, K) against one-hot targets (B, K).
func (stockOps) xent(logits, onehot *G.Node) (*G.Node, error) {
	lsm, err := G.LogSoftMax(logits)
	if err != nil {
		return nil, fmt.Errorf("log softmax: %w", err)
	}
	p, err := G.HadamardProd(lsm, onehot)
	if err != nil {
		return nil, fmt.Errorf("cross-entropy: %w", err)
	}
	// Reduce one axis only: gorgonia's reductions over several axes are wrong.
	flat, err := G.Reshape(p, tensor.Shape{p.Shape().TotalSize()})
	if err != nil {
		return nil, fmt.Errorf("cross-entropy: %w", err)
	}
	s, err := G.Sum(flat)
	if err != nil {
		return nil, fmt.Errorf("cross-entropy: %w", err)
	}
	b := float64(logits.Shape()[0])
	var k *G.Node
	if logits.Dtype() == tensor.Float32 {
		k = G.NewConstant(float32(-1/b), G.WithName(fmt.Sprintf("xent.scale.%v", -1/b)))
	} else {
		k = G.NewConstant(-1/b, G.WithName(fmt.Sprintf("xent.scale64.%v", -1/b)))
	}
	return G.Mul(s, k)
}

// stockKind is what a stock gorgonia op computes, as far as FLOPs go.
type stockKind int

const (
	otherOp         stockKind = iota // data movement or nothing: zero FLOPs
	matMulOp                         // matrix or matrix–vector product
	elementwiseOp                    // element-wise unary or binary op, broadcasting ones included
	sumOp                            // reduction by summation
	softmaxOp                        // (log-)softmax or its gradient
	batchNormOp                      // batch norm, forward
	batchNormDiffOp                  // batch norm, gradient
)

// stockKinds maps the dynamic types of the stock ops that compute to what they compute.
// gorgonia exports only BatchNormOp; every other type is read off an op built here on a tiny
// graph by the constructor the stock blocks (or gorgonia's symbolic differentiation) use.
func stockKinds(t testing.TB) map[reflect.Type]stockKind {
	t.Helper()
	g := G.NewGraph()
	m := G.NewMatrix(g, tensor.Float64, G.WithShape(2, 2), G.WithName("m"))
	v := G.NewVector(g, tensor.Float64, G.WithShape(4), G.WithName("v"))
	x := G.NewTensor(g, tensor.Float64, 4, G.WithShape(2, 2, 1, 1), G.WithName("x"))
	must := func(n *G.Node, err error) *G.Node {
		t.Helper()
		if err != nil {
			t.Fatalf("sample stock op: %v", err)
		}
		return n
	}
	typ := func(n *G.Node) reflect.Type { return reflect.TypeOf(n.Op()) }
	lsm := must(G.LogSoftMax(m))
	softmaxDiff, err := lsm.Op().(G.SDOp).SymDiff(G.Nodes{m}, lsm, m)
	if err != nil {
		t.Fatalf("sample softmax gradient: %v", err)
	}
	_, _, _, bn, err := G.BatchNorm(x, nil, nil, 0.1, 1e-3)
	if err != nil {
		t.Fatalf("sample batch norm: %v", err)
	}
	bnDiff, err := bn.SymDiff(G.Nodes{x}, x, x)
	if err != nil {
		t.Fatalf("sample batch-norm gradient: %v", err)
	}
	kinds := map[reflect.Type]stockKind{
		typ(must(G.Mul(m, m))):            matMulOp,
		typ(must(G.Add(m, m))):            elementwiseOp,
		typ(must(G.Exp(m))):               elementwiseOp,
		typ(must(G.Sum(v))):               sumOp,
		typ(lsm):                          softmaxOp,
		typ(softmaxDiff[0]):               softmaxOp,
		reflect.TypeFor[*G.BatchNormOp](): batchNormOp,
		typ(bnDiff[0]):                    batchNormDiffOp,
	}
	if len(kinds) != 8 {
		t.Fatalf("sample stock ops of %d types, want 8 distinct ones: %v", len(kinds), kinds)
	}
	return kinds
}

// stockGraphFLOPs counts the FLOPs of one run of g, a graph built with stockOps, with the
// conventions of graphFLOPs. training says whether its batch-norm ops use batch statistics
// (8 FLOPs per element) or running statistics (4).
func stockGraphFLOPs(t testing.TB, g *G.ExprGraph, training bool) flopCount {
	kinds := stockKinds(t)
	return sumFLOPs(g, func(n *G.Node, ch []*G.Node) (matmul, other int64) {
		out := int64(n.Shape().TotalSize())
		switch kinds[reflect.TypeOf(n.Op())] {
		case matMulOp:
			a := int64(ch[0].Shape().TotalSize())
			if n.Shape().Dims() == 2 { // (m×k)·(k×n): 2·k·m·n = 2·|A|·n
				return 2 * a * int64(n.Shape()[1]), 0
			}
			return 2 * a, 0
		case batchNormOp:
			if training {
				return 0, 8 * out
			}
			return 0, 4 * out
		case batchNormDiffOp:
			return 0, 5 * out
		case softmaxOp:
			return 0, 4 * out
		case sumOp:
			return 0, int64(ch[0].Shape().TotalSize())
		case elementwiseOp:
			return 0, out
		}
		return 0, 0
	})
}

// blocksFor returns stockOps when stock is set, else nil (the custom ops).
func blocksFor(stock bool) blockBuilder {
	if stock {
		return stockOps{}
	}
	return nil
}
