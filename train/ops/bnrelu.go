package ops

import (
	"fmt"
	"math"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"evo/train/internal/vec"
)

// BNConfig parameterises one BNReLU.
type BNConfig struct {
	// Decay of the running statistics, PyTorch's convention with momentum 1−Decay:
	// running = Decay·running + (1−Decay)·batch. Zero means 0.9 (the paper's value).
	Decay float64
	// Epsilon is added to the variance before the square root. Zero means 1e-5 (PyTorch's).
	Epsilon float64
}

// Validate reports a decay outside [0,1) or a negative epsilon.
func (c BNConfig) Validate() error {
	if c.Decay < 0 || c.Decay >= 1 || math.IsNaN(c.Decay) {
		return fmt.Errorf("bnrelu: decay %v: want 0 (meaning 0.9) or a value in (0,1): %w", c.Decay, ErrConfig)
	}
	if c.Epsilon < 0 || math.IsNaN(c.Epsilon) {
		return fmt.Errorf("bnrelu: epsilon %v: want 0 (meaning 1e-5) or a positive value: %w", c.Epsilon, ErrConfig)
	}
	return nil
}

func (c BNConfig) withDefaults() BNConfig {
	if c.Decay == 0 {
		c.Decay = 0.9
	}
	if c.Epsilon == 0 {
		c.Epsilon = 1e-5
	}
	return c
}

// BNReLUOp is batch normalisation over (B,H,W) per channel followed by ReLU:
// y = max(0, γ·(x−μ)/√(σ²+ε) + β). In training mode μ and σ² are the batch mean and the biased
// batch variance, and the running statistics are updated with the unbiased variance (PyTorch's
// convention); in evaluation mode the running statistics normalise. The running statistics are
// kept in float64, start at mean 0 and variance 1, and survive mode switches.
type BNReLUOp struct {
	b, c, h, w, hw int
	cfg            BNConfig
	training       bool
	id             uint64

	runMean, runVar []float64

	// Saved by the last forward pass for the backward pass.
	fwdTraining  bool
	mean, invStd []float64 // per channel, of the statistics that normalised
	scale, shift []float64 // per channel: y = max(0, scale·x + shift)

	dGammaAcc, dBetaAcc []float64 // per channel, computed with dx
	out, dx, dg, db     slot
}

// BNReLU applies batch norm + ReLU to x (B,C,H,W) with learnable gamma and beta of shape (C).
// The returned op exposes the running statistics and the training switch.
func BNReLU(x, gamma, beta *gorgonia.Node, cfg BNConfig) (*gorgonia.Node, *BNReLUOp, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	xs := x.Shape()
	if xs.Dims() != 4 {
		return nil, nil, fmt.Errorf("bnrelu: input shape %v: want 4-D NCHW: %w", xs, ErrShape)
	}
	for _, p := range []*gorgonia.Node{gamma, beta} {
		if ps := p.Shape(); ps.Dims() != 1 || ps[0] != xs[1] {
			return nil, nil, fmt.Errorf("bnrelu: parameter %q has shape %v, want (%d): %w", p.Name(), ps, xs[1], ErrShape)
		}
	}
	op := NewBNReLUOp(xs[0], xs[1], xs[2], xs[3], cfg)
	n, err := gorgonia.ApplyOp(op, x, gamma, beta)
	if err != nil {
		return nil, nil, fmt.Errorf("bnrelu: %w", err)
	}
	return n, op, nil
}

// NewBNReLUOp returns the op for inputs of shape (b,c,h,w), in training mode.
// cfg must be valid (see BNConfig.Validate); BNReLU checks it.
func NewBNReLUOp(b, c, h, w int, cfg BNConfig) *BNReLUOp {
	op := &BNReLUOp{b: b, c: c, h: h, w: w, hw: h * w, cfg: cfg.withDefaults(), training: true, id: nextInstance()}
	op.runMean, op.runVar = make([]float64, c), make([]float64, c)
	for i := range op.runVar {
		op.runVar[i] = 1
	}
	op.mean, op.invStd = make([]float64, c), make([]float64, c)
	op.scale, op.shift = make([]float64, c), make([]float64, c)
	op.dGammaAcc, op.dBetaAcc = make([]float64, c), make([]float64, c)
	return op
}

// SetTraining switches between batch statistics (true) and running statistics (false). It never
// touches the running statistics. TapeMachine calls it on construction (false under EvalMode).
func (op *BNReLUOp) SetTraining(training bool) error { op.training = training; return nil }

// Training reports the current mode.
func (op *BNReLUOp) Training() bool { return op.training }

// RunningStats returns copies of the running mean and (unbiased) running variance per channel.
func (op *BNReLUOp) RunningStats() (mean, variance []float64) {
	return append([]float64(nil), op.runMean...), append([]float64(nil), op.runVar...)
}

// SetRunningStats replaces the running statistics, e.g. from a checkpoint. Both slices must have
// one entry per channel and every variance must be non-negative.
func (op *BNReLUOp) SetRunningStats(mean, variance []float64) error {
	if len(mean) != op.c || len(variance) != op.c {
		return fmt.Errorf("bnrelu: running stats of length %d and %d for %d channels: %w", len(mean), len(variance), op.c, ErrShape)
	}
	for i, v := range variance {
		if !(v >= 0) || math.IsInf(v, 0) || math.IsNaN(mean[i]) || math.IsInf(mean[i], 0) {
			return fmt.Errorf("bnrelu: channel %d: running mean %v, variance %v: want finite values and variance ≥ 0: %w", i, mean[i], v, ErrConfig)
		}
	}
	copy(op.runMean, mean)
	copy(op.runVar, variance)
	return nil
}

// Arity is 3: x, gamma, beta.
func (op *BNReLUOp) Arity() int { return 3 }

// Type is Tensor-4 a → Tensor-1 a → Tensor-1 a → Tensor-4 a.
func (op *BNReLUOp) Type() hm.Type {
	return hm.NewFnType(tensorType(4), tensorType(1), tensorType(1), tensorType(4))
}

// InferShape returns the input's shape.
func (op *BNReLUOp) InferShape(ds ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(ds) != 3 {
		return nil, fmt.Errorf("bnrelu: %d inputs, want 3: %w", len(ds), ErrShape)
	}
	s, err := shapeOf("bnrelu", ds[0])
	if err != nil {
		return nil, err
	}
	return s.Clone(), nil
}

// Do normalises, scales, shifts and rectifies into the op's output buffer.
func (op *BNReLUOp) Do(vs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(vs) != 3 {
		return nil, fmt.Errorf("bnrelu: %d inputs, want 3: %w", len(vs), ErrShape)
	}
	dt, err := dtypeOf("bnrelu", vs[0])
	if err != nil {
		return nil, err
	}
	if dt == tensor.Float32 {
		return bnForward[float32](op, vs...)
	}
	return bnForward[float64](op, vs...)
}

func bnForward[T float](op *BNReLUOp, vs ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := data[T]("bnrelu x", vs[0], op.b*op.c*op.hw)
	if err != nil {
		return nil, err
	}
	gamma, err := data[T]("bnrelu gamma", vs[1], op.c)
	if err != nil {
		return nil, err
	}
	beta, err := data[T]("bnrelu beta", vs[2], op.c)
	if err != nil {
		return nil, err
	}
	y := get[T](&op.out, len(x))
	op.fwdTraining = op.training
	n := float64(op.b * op.hw)
	parallel(op.c, func(_, lo, hi int) {
		for c := lo; c < hi; c++ {
			mean, variance := op.runMean[c], op.runVar[c]
			if op.training {
				mean, variance = channelMoments(x, c, op.c, op.b, op.hw)
				unbiased := variance
				if n > 1 {
					unbiased = variance * n / (n - 1)
				}
				d := op.cfg.Decay
				op.runMean[c] = d*op.runMean[c] + (1-d)*mean
				op.runVar[c] = d*op.runVar[c] + (1-d)*unbiased
			}
			inv := 1 / math.Sqrt(variance+op.cfg.Epsilon)
			op.mean[c], op.invStd[c] = mean, inv
			op.scale[c] = float64(gamma[c]) * inv
			op.shift[c] = float64(beta[c]) - mean*op.scale[c]
			a, s := T(op.scale[c]), T(op.shift[c])
			for b := 0; b < op.b; b++ {
				off := (b*op.c + c) * op.hw
				scaleShiftReLU(y[off:off+op.hw], x[off:off+op.hw], a, s)
			}
		}
	})
	return wrap(y, op.b, op.c, op.h, op.w), nil
}

// channelMoments returns the mean and biased variance of channel c over batch and pixels in one
// pass, accumulating in float64 around the channel's first value for numerical stability, with
// four independent pairs of accumulators so that the adds do not wait on one another (float32
// runs in vector assembly, vec.Moments, with the same float64 accumulation).
func channelMoments[T float](x []T, c, channels, batch, hw int) (mean, variance float64) {
	k := float64(x[c*hw])
	if x32, ok := any(x).([]float32); ok {
		var s, q float64
		for b := 0; b < batch; b++ {
			off := (b*channels + c) * hw
			vec.Moments(x32[off:off+hw], k, &s, &q)
		}
		n := float64(batch * hw)
		m := s / n
		return k + m, max(q/n-m*m, 0)
	}
	var s0, s1, s2, s3, q0, q1, q2, q3 float64
	for b := 0; b < batch; b++ {
		off := (b*channels + c) * hw
		v := x[off : off+hw]
		i := 0
		for ; i+4 <= len(v); i += 4 {
			w := v[i : i+4 : i+4]
			d0, d1, d2, d3 := float64(w[0])-k, float64(w[1])-k, float64(w[2])-k, float64(w[3])-k
			s0, s1, s2, s3 = s0+d0, s1+d1, s2+d2, s3+d3
			q0, q1, q2, q3 = q0+d0*d0, q1+d1*d1, q2+d2*d2, q3+d3*d3
		}
		for ; i < len(v); i++ {
			d := float64(v[i]) - k
			s0 += d
			q0 += d * d
		}
	}
	n := float64(batch * hw)
	m := (s0 + s1 + s2 + s3) / n
	return k + m, max((q0+q1+q2+q3)/n-m*m, 0)
}
