package train

import (
	"fmt"
	"slices"

	"gorgonia.org/tensor"

	"evo/train/checkpoint"
)

// setState copies every tensor of st into the model: trainable tensors into their nodes' values
// and batch-norm running statistics into the batch-norm ops. st must hold every tensor of the
// genome with its exact length.
func (m *model) setState(st map[string]*checkpoint.Tensor) error {
	for _, p := range m.params {
		t, err := lookup(st, p.spec.ID, p.spec.Shape)
		if err != nil {
			return err
		}
		copyInto(p.value, t.Data)
	}
	for _, b := range m.stats {
		mean, err := lookup(st, b.mean.ID, b.mean.Shape)
		if err != nil {
			return err
		}
		variance, err := lookup(st, b.variance.ID, b.variance.Shape)
		if err != nil {
			return err
		}
		if err := b.setRunning(mean.Data, variance.Data); err != nil {
			return err
		}
	}
	return nil
}

// state returns a copy of every tensor of the model as float32, keyed by stable ID.
func (m *model) state() map[string]*checkpoint.Tensor {
	st := make(map[string]*checkpoint.Tensor, len(m.params)+2*len(m.stats))
	for _, p := range m.params {
		st[p.spec.ID] = &checkpoint.Tensor{Shape: append([]int(nil), p.spec.Shape...), Data: float32s(p.value)}
	}
	for _, b := range m.stats {
		mean, variance := b.running()
		st[b.mean.ID] = &checkpoint.Tensor{Shape: []int{len(mean)}, Data: mean}
		st[b.variance.ID] = &checkpoint.Tensor{Shape: []int{len(variance)}, Data: variance}
	}
	return st
}

// lookup returns st[id] after checking that it has the given shape and as many values.
func lookup(st map[string]*checkpoint.Tensor, id string, shape []int) (*checkpoint.Tensor, error) {
	t, ok := st[id]
	if !ok || t == nil {
		return nil, fmt.Errorf("train: tensor %s missing from the checkpoint: it does not belong to this genome: %w", id, ErrInput)
	}
	n := 1
	for _, d := range shape {
		n *= d
	}
	if !slices.Equal(t.Shape, shape) || len(t.Data) != n {
		return nil, fmt.Errorf("train: tensor %s has shape %v and %d values, the genome needs shape %v: %w", id, t.Shape, len(t.Data), shape, ErrInput)
	}
	return t, nil
}

// copyInto copies float32 values into a float32 or float64 dense tensor.
func copyInto(d *tensor.Dense, src []float32) {
	switch v := d.Data().(type) {
	case []float32:
		copy(v, src)
	case []float64:
		for i, x := range src {
			v[i] = float64(x)
		}
	}
}

// float32s returns a float32 copy of a float32 or float64 dense tensor.
func float32s(d *tensor.Dense) []float32 {
	switch v := d.Data().(type) {
	case []float32:
		return append([]float32(nil), v...)
	case []float64:
		out := make([]float32, len(v))
		for i, x := range v {
			out[i] = float32(x)
		}
		return out
	}
	return nil
}
