package train

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"
)

// sgd is stochastic gradient descent with momentum and weight decay applied to the weights, as
// PyTorch's torch.optim.SGD computes it (dampening 0, no Nesterov):
//
//	g ← ∇w + λ·w   (λ only for tensors with decay: conv kernels and the head's weights)
//	v ← μ·v + g
//	w ← w − lr·v
//
// gorgonia's Momentum solver with WithL2Reg adds λ·v instead of λ·w, so the weights are never
// decayed (trap 3 in the package doc); hence this optimiser. The velocity starts at zero:
// optimiser state is never inherited, as in the paper.
type sgd struct {
	lr, momentum, decay float64
	vel                 []any // []float32 or []float64 per parameter, allocated on first use
}

// step updates every parameter from its gradient buffer, clears the buffers, and reports an
// error wrapping errNotFinite naming the first tensor whose new value is NaN or ±Inf.
func (s *sgd) step(params []*param) error {
	if s.vel == nil {
		s.vel = make([]any, len(params))
	}
	var bad string
	for i, p := range params {
		gv, err := p.node.Grad()
		if err != nil {
			return fmt.Errorf("gradient of %s: %w", p.spec.ID, err)
		}
		g, ok := gv.(tensor.Tensor)
		if !ok {
			return fmt.Errorf("train: no gradient for %s: run the model before stepping: %w", p.spec.ID, ErrBuild)
		}
		wd := 0.0
		if p.decay {
			wd = s.decay
		}
		switch w := p.value.Data().(type) {
		case []float32:
			if s.vel[i] == nil {
				s.vel[i] = make([]float32, len(w))
			}
			ok = update(w, g.Data().([]float32), s.vel[i].([]float32), float32(s.lr), float32(s.momentum), float32(wd))
		case []float64:
			if s.vel[i] == nil {
				s.vel[i] = make([]float64, len(w))
			}
			ok = update(w, g.Data().([]float64), s.vel[i].([]float64), s.lr, s.momentum, wd)
		}
		g.Zero()
		if !ok && bad == "" {
			bad = p.spec.ID
		}
	}
	if bad != "" {
		return fmt.Errorf("train: tensor %s after the update: %w", bad, errNotFinite)
	}
	return nil
}

// update applies one momentum step to w with gradient g and velocity v, and reports whether
// every new weight is finite.
func update[T float32 | float64](w, g, v []T, lr, mu, wd T) bool {
	finite := true
	for j := range w {
		gj := g[j] + wd*w[j]
		v[j] = mu*v[j] + gj
		w[j] -= lr * v[j]
		if f := float64(w[j]); math.IsNaN(f) || math.IsInf(f, 0) {
			finite = false
		}
	}
	return finite
}
