package train

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// setBatch loads one batch: x holds len(labels)·C·H·W normalised values (NCHW), fewer examples
// than the model's batch size leave the remaining rows as they were (evaluation ignores them).
func (m *model) setBatch(x []float32, labels []int) {
	switch v := m.xT.Data().(type) {
	case []float32:
		if len(x) > 0 && &x[0] == &v[0] {
			break // x is inputBuffer's slice: already in place
		}
		copy(v, x)
	case []float64:
		for i, f := range x {
			v[i] = float64(f)
		}
	}
	k := m.yT.Shape()[1]
	switch v := m.yT.Data().(type) {
	case []float32:
		clear(v)
		for i, l := range labels {
			v[i*k+l] = 1
		}
	case []float64:
		clear(v)
		for i, l := range labels {
			v[i*k+l] = 1
		}
	}
}

// inputBuffer returns a slice of n values for a batch to be built in and passed to setBatch:
// the model's own input tensor when it is float32 and large enough, which spares setBatch a copy.
func (m *model) inputBuffer(n int) []float32 {
	if v, ok := m.xT.Data().([]float32); ok && len(v) >= n {
		return v[:n]
	}
	return make([]float32, n)
}

// run executes the graph once on the loaded batch: forward for an evaluation model, forward and
// backward for a training model (the gradients add to the parameters' gradient buffers until
// zeroGrads). It returns the loss.
func (m *model) run() (float64, error) {
	defer m.vm.Reset()
	run := m.vm.RunAll
	if m.runner != nil {
		run = m.runner.runAll
	}
	if err := run(); err != nil {
		return 0, fmt.Errorf("run graph: %w", err)
	}
	return scalar(m.out.loss), nil
}

// predictions returns the arg-max class of the first n rows of the last run's logits, and
// whether every one of those logits is finite.
func (m *model) predictions(n int) ([]int, bool) {
	t := m.out.logits.(tensor.Tensor)
	k := t.Shape()[1]
	out := make([]int, n)
	finite := true
	for i := range n {
		best := math.Inf(-1)
		for j := range k {
			v := at(t, i*k+j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				finite = false
			}
			if v > best {
				best, out[i] = v, j
			}
		}
	}
	return out, finite
}

// zeroGrads clears the gradient buffers of every parameter. gorgonia adds each run's gradients
// to these buffers (trap 5), so they must be cleared after every optimiser step.
func (m *model) zeroGrads() error {
	for _, p := range m.params {
		g, err := p.node.Grad()
		if err != nil {
			return fmt.Errorf("gradient of %s: %w", p.spec.ID, err)
		}
		if t, ok := g.(tensor.Tensor); ok {
			t.Zero()
		}
	}
	return nil
}

// scalar returns a gorgonia scalar or one-element tensor value as float64 (NaN when absent).
func scalar(v G.Value) float64 {
	switch s := v.(type) {
	case *G.F32:
		return float64(*s)
	case *G.F64:
		return float64(*s)
	case tensor.Tensor:
		return at(s, 0)
	}
	return math.NaN()
}

// at returns element i of a float32 or float64 tensor as float64.
func at(t tensor.Tensor, i int) float64 {
	switch d := t.Data().(type) {
	case []float32:
		return float64(d[i])
	case []float64:
		return d[i]
	case float32:
		return float64(d)
	case float64:
		return d
	}
	return math.NaN()
}
