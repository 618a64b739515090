package train

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"evo/genome"
	"evo/train/ops"
)

// blockBuilder builds the building blocks of a network into a gorgonia graph; the graph builder
// (model.go) calls it vertex by vertex. customOps, below, is what Train and Evaluate use. The
// tests plug in a composition of stock gorgonia ops (buildSpec.blocks), the reference the
// custom ops are checked against; it lives in the test files, so binaries do not carry it.
type blockBuilder interface {
	// paramShape is the shape of the graph node that holds the trainable tensor s.
	paramShape(s genome.TensorSpec) tensor.Shape
	// conv is a SAME-padded convolution of x (B, Cin, H, W) with kernel w (Cout, Cin, kh, kw)
	// and no bias. noInputGrad skips the gradient with respect to x (set when x is the network
	// input, which needs none). name is unique in the graph.
	conv(x, w *G.Node, stride int, noInputGrad bool, name string) (*G.Node, error)
	// bnReLU is batch norm with scale gamma and shift beta, followed by a ReLU. The returned
	// op holds the running statistics and the training switch.
	bnReLU(x, gamma, beta *G.Node, cfg ops.BNConfig) (*G.Node, runningStats, error)
	// skip resizes and channel-adjusts a skip input x to the shape of the vertex it feeds.
	skip(x *G.Node, to genome.Shape, name string) (*G.Node, error)
	// gap is global average pooling (B, C, H, W) → (B, C).
	gap(x *G.Node) (*G.Node, error)
	// dense is the fully-connected head: x (B, C) · w (C, K) + b (K).
	dense(x, w, b *G.Node) (*G.Node, error)
	// xent is the mean softmax cross-entropy of logits (B, K) against one-hot targets (B, K).
	xent(logits, onehot *G.Node) (*G.Node, error)
}

// runningStats is what the model needs of a batch-norm op: its running statistics (as float64,
// whatever the graph's dtype) and its training switch. *ops.BNReLUOp is one.
type runningStats interface {
	RunningStats() (mean, variance []float64)
	SetRunningStats(mean, variance []float64) error
	SetTraining(training bool) error
}

// customOps builds every block from the custom ops of train/ops, whose buffers are reused
// across steps, so that a training step allocates only a few kilobytes of headers.
type customOps struct{}

func (customOps) paramShape(s genome.TensorSpec) tensor.Shape {
	return tensor.Shape(append([]int(nil), s.Shape...))
}

func (customOps) conv(x, w *G.Node, stride int, noInputGrad bool, name string) (*G.Node, error) {
	y, err := ops.Conv2D(x, w, ops.ConvConfig{Stride: stride, NoInputGrad: noInputGrad})
	if err != nil {
		return nil, fmt.Errorf("conv %s: %w", name, err)
	}
	return y, nil
}

func (customOps) bnReLU(x, gamma, beta *G.Node, cfg ops.BNConfig) (*G.Node, runningStats, error) {
	y, op, err := ops.BNReLU(x, gamma, beta, cfg)
	if err != nil {
		return nil, nil, err
	}
	return y, op, nil
}

// skip returns x itself when the shapes already agree.
func (customOps) skip(x *G.Node, to genome.Shape, name string) (*G.Node, error) {
	s := x.Shape()
	if s[1] == to.C && s[2] == to.H && s[3] == to.W {
		return x, nil
	}
	for _, d := range [][2]int{{s[2], to.H}, {s[3], to.W}} {
		if _, err := downFactor(d[0], d[1]); err != nil {
			return nil, fmt.Errorf("skip %s: %w", name, err)
		}
	}
	y, err := ops.ResizePad(x, to.C, to.H, to.W)
	if err != nil {
		return nil, fmt.Errorf("skip %s: %w", name, err)
	}
	return y, nil
}

func (customOps) gap(x *G.Node) (*G.Node, error) {
	y, err := ops.GlobalAvgPool(x)
	if err != nil {
		return nil, fmt.Errorf("global average pool: %w", err)
	}
	return y, nil
}

func (customOps) dense(x, w, b *G.Node) (*G.Node, error) {
	y, err := ops.Dense(x, w, b)
	if err != nil {
		return nil, fmt.Errorf("dense: %w", err)
	}
	return y, nil
}

func (customOps) xent(logits, onehot *G.Node) (*G.Node, error) {
	l, err := ops.SoftmaxXent(logits, onehot)
	if err != nil {
		return nil, fmt.Errorf("cross-entropy: %w", err)
	}
	return l, nil
}

// downFactor returns the smallest power of two f with ceil(from/f) == to: a skip input keeps
// every f-th row (or column), starting from the first. Along backbone skips the source is never
// smaller than the destination and the size ratio is a power of two.
func downFactor(from, to int) (int, error) {
	for f := 1; f <= 2*from; f *= 2 {
		if (from+f-1)/f == to {
			return f, nil
		}
	}
	return 0, fmt.Errorf("cannot resize %d to %d by a power-of-two subsampling: %w", from, to, ErrBuild)
}

// bnStats ties a bn_relu vertex's running-statistics tensors to the op that holds them.
type bnStats struct {
	mean, variance genome.TensorSpec // the vertex's BNMean and BNVar tensors
	op             runningStats
}

// vertex is the ID of the bn_relu vertex.
func (b bnStats) vertex() string { return b.mean.Owner }

// running returns float32 copies of the running mean and variance.
func (b bnStats) running() (mean, variance []float32) {
	m, v := b.op.RunningStats()
	return narrow(m), narrow(v)
}

// setRunning replaces the running statistics.
func (b bnStats) setRunning(mean, variance []float32) error {
	if err := b.op.SetRunningStats(widen(mean), widen(variance)); err != nil {
		return fmt.Errorf("train: vertex %s: %w: %w", b.vertex(), ErrInput, err)
	}
	return nil
}

// setTraining switches between batch statistics (true) and running statistics (false).
func (b bnStats) setTraining(training bool) error { return b.op.SetTraining(training) }

func narrow(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

func widen(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}
