package train

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"evo/genome"
)

// This file holds one small function per building block of a network, composed of stock
// gorgonia ops, in NCHW layout. Training uses the custom ops of train/ops instead (blocks.go
// chooses); these compositions stay as the reference the tests compare them with
// (buildSpec.stock).

// samePad returns TensorFlow's 'SAME' padding along one axis for input size in, filter size k and
// stride s: the output size is ceil(in/s), and of the total padding the smaller half goes
// before (top/left) and the larger after (bottom/right).
func samePad(in, k, s int) (out, before, after int) {
	out = (in + s - 1) / s
	total := max((out-1)*s+k-in, 0)
	return out, total / 2, total - total/2
}

// conv2DSame convolves x (B, Cin, H, W) with kernel w (Cout, Cin, kh, kw) at the given stride with
// 'SAME' padding and no bias. gorgonia's Conv2d pads symmetrically, so when the total padding of
// an axis is odd the extra bottom row (or right column) of zeros is concatenated explicitly.
// name must be unique in the graph: it names the zero constants.
func conv2DSame(x, w *G.Node, stride int, name string) (*G.Node, error) {
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
// then a ReLU. decay is the running-statistics decay (running ← decay·running +
// (1−decay)·batch); gorgonia's "momentum" is 1−decay. The returned op holds the running
// statistics and the training/inference switch.
func bnReLU(x, gamma, beta *G.Node, decay, eps float64) (*G.Node, *G.BatchNormOp, error) {
	y, _, _, op, err := G.BatchNorm(x, gamma, beta, 1-decay, eps)
	if err != nil {
		return nil, nil, fmt.Errorf("batch norm: %w", err)
	}
	if y, err = G.Rectify(y); err != nil {
		return nil, nil, fmt.Errorf("relu: %w", err)
	}
	return y, op, nil
}

// resizePad turns a skip input x (B, C, H, W) into the shape of the vertex it feeds (to):
// nearest-neighbour resize, then channel truncation or zero padding. Along backbone skips the
// source is never smaller than the destination and the size ratio is a power of two, so the
// resize keeps every f-th row and column starting from the first, with f the smallest power of
// two such that ceil(H/f) equals the target height (the same positions a stride-f convolution
// centres on without padding). name must be unique in the graph.
func resizePad(x *G.Node, to genome.Shape, name string) (*G.Node, error) {
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

// downFactor returns the smallest power of two f with ceil(from/f) == to.
func downFactor(from, to int) (int, error) {
	for f := 1; f <= 2*from; f *= 2 {
		if (from+f-1)/f == to {
			return f, nil
		}
	}
	return 0, fmt.Errorf("cannot resize %d to %d by a power-of-two subsampling: %w", from, to, ErrBuild)
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

// globalAvgPool averages x (B, C, H, W) over H and W into (B, C). It reshapes to (B, C, H·W)
// and reduces one axis: gorgonia's Mean over two axes is silently wrong and its
// GlobalAveragePool2D has no gradient (traps 1 and 2).
func globalAvgPool(x *G.Node) (*G.Node, error) {
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
func dense(x, w, b *G.Node) (*G.Node, error) {
	y, err := G.Mul(x, w)
	if err != nil {
		return nil, fmt.Errorf("dense: %w", err)
	}
	if y, err = G.BroadcastAdd(y, b, nil, []byte{0}); err != nil {
		return nil, fmt.Errorf("dense bias: %w", err)
	}
	return y, nil
}

// softmaxXent is the mean softmax cross-entropy of logits (B, K) against one-hot targets (B, K).
func softmaxXent(logits, onehot *G.Node) (*G.Node, error) {
	lsm, err := G.LogSoftMax(logits)
	if err != nil {
		return nil, fmt.Errorf("log softmax: %w", err)
	}
	p, err := G.HadamardProd(lsm, onehot)
	if err != nil {
		return nil, fmt.Errorf("cross-entropy: %w", err)
	}
	// Reduce one axis only: multi-axis reductions are unreliable (trap 1).
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
