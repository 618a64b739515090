package train

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"evo/genome"
	"evo/train/ops"
)

// The graph builder calls the blocks below. Each dispatches on buildSpec.stock: false (the
// default, what Train uses) builds the custom ops of train/ops, whose buffers are reused across
// steps; true builds the stock-gorgonia composition of layers.go, kept as the reference the
// tests compare the custom ops with.

// conv is a SAME-padded convolution without bias. noInputGrad skips the gradient with respect
// to x (set when x is the network input, which needs none); the stock path ignores it.
func (m *model) conv(x, w *G.Node, stride int, noInputGrad bool, name string) (*G.Node, error) {
	if m.spec.stock {
		return conv2DSame(x, w, stride, name)
	}
	y, err := ops.Conv2D(x, w, ops.ConvConfig{Stride: stride, NoInputGrad: noInputGrad})
	if err != nil {
		return nil, fmt.Errorf("conv %s: %w", name, err)
	}
	return y, nil
}

// bnReLU is batch norm with scale gamma and shift beta followed by a ReLU. The returned bnStats
// holds the op with the running statistics and the training switch.
func (m *model) bnReLU(x, gamma, beta *G.Node, vertex string) (*G.Node, *bnStats, error) {
	if m.spec.stock {
		y, op, err := bnReLU(x, gamma, beta, m.spec.bnDecay, m.spec.bnEps)
		return y, &bnStats{vertex: vertex, stock: op}, err
	}
	y, op, err := ops.BNReLU(x, gamma, beta, ops.BNConfig{Decay: m.spec.bnDecay, Epsilon: m.spec.bnEps})
	if err != nil {
		return nil, nil, err
	}
	return y, &bnStats{vertex: vertex, fast: op}, nil
}

// skip resizes and channel-adjusts a skip input x to the shape of the vertex it feeds; the
// result is x itself when the shapes already agree.
func (m *model) skip(x *G.Node, to genome.Shape, name string) (*G.Node, error) {
	if m.spec.stock {
		return resizePad(x, to, name)
	}
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

// gap is global average pooling (B, C, H, W) → (B, C).
func (m *model) gap(x *G.Node) (*G.Node, error) {
	if m.spec.stock {
		return globalAvgPool(x)
	}
	y, err := ops.GlobalAvgPool(x)
	if err != nil {
		return nil, fmt.Errorf("global average pool: %w", err)
	}
	return y, nil
}

// dense is the fully-connected head: x (B, C) · w (C, K) + b (K).
func (m *model) dense(x, w, b *G.Node) (*G.Node, error) {
	if m.spec.stock {
		return dense(x, w, b)
	}
	y, err := ops.Dense(x, w, b)
	if err != nil {
		return nil, fmt.Errorf("dense: %w", err)
	}
	return y, nil
}

// xent is the mean softmax cross-entropy of logits (B, K) against one-hot targets (B, K).
func (m *model) xent(logits, onehot *G.Node) (*G.Node, error) {
	if m.spec.stock {
		return softmaxXent(logits, onehot)
	}
	l, err := ops.SoftmaxXent(logits, onehot)
	if err != nil {
		return nil, fmt.Errorf("cross-entropy: %w", err)
	}
	return l, nil
}

// bnStats ties a batch-norm vertex to the op holding its running statistics: a stock gorgonia
// BatchNormOp (float32 or float64 tensors) or a custom ops.BNReLUOp (float64 slices).
type bnStats struct {
	vertex string
	stock  *G.BatchNormOp
	fast   *ops.BNReLUOp
}

// size is the channel count of the vertex.
func (b *bnStats) size() int {
	if b.stock != nil {
		rm, _ := b.stock.Stats()
		return rm.Shape().TotalSize()
	}
	mean, _ := b.fast.RunningStats()
	return len(mean)
}

// running returns float32 copies of the running mean and variance.
func (b *bnStats) running() (mean, variance []float32) {
	if b.stock != nil {
		rm, rv := b.stock.Stats()
		return float32s(rm.(*tensor.Dense)), float32s(rv.(*tensor.Dense))
	}
	m, v := b.fast.RunningStats()
	return narrow(m), narrow(v)
}

// setRunning replaces the running statistics.
func (b *bnStats) setRunning(mean, variance []float32) error {
	if b.stock != nil {
		rm, rv := b.stock.Stats()
		copyInto(rm.(*tensor.Dense), mean)
		copyInto(rv.(*tensor.Dense), variance)
		return nil
	}
	if err := b.fast.SetRunningStats(widen(mean), widen(variance)); err != nil {
		return fmt.Errorf("train: vertex %s: %w: %w", b.vertex, ErrInput, err)
	}
	return nil
}

// setTraining switches between batch statistics (true) and running statistics (false). On the
// stock op, switching back to training wipes the running statistics (trap 5).
func (b *bnStats) setTraining(training bool) error {
	if b.stock != nil {
		return b.stock.SetTraining(training)
	}
	return b.fast.SetTraining(training)
}

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
