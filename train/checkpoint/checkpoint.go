package checkpoint

import (
	"fmt"
	"math"
)

// Format and FormatVersion are written to, and required in, the "__metadata__" of every file.
const (
	Format        = "evo-checkpoint"
	FormatVersion = "1"
)

// Tensor is a dense float32 tensor in row-major order.
type Tensor struct {
	Shape []int
	Data  []float32
}

// Len is the number of elements the shape holds, or -1 for a negative or overflowing shape.
func (t *Tensor) Len() int { return numel(t.Shape) }

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)}
}

// Checkpoint is a set of tensors keyed by stable ID, and string metadata.
type Checkpoint struct {
	Tensors map[string]*Tensor
	// Meta is caller metadata; the keys "format", "format_version" and "sha256" are reserved.
	Meta map[string]string
}

// New returns an empty checkpoint.
func New() *Checkpoint {
	return &Checkpoint{Tensors: map[string]*Tensor{}, Meta: map[string]string{}}
}

// Params is the number of float32 values in all tensors.
func (c *Checkpoint) Params() int64 {
	var n int64
	for _, t := range c.Tensors {
		n += int64(len(t.Data))
	}
	return n
}

// numel is the product of the dimensions, or -1 if a dimension is negative or the product
// overflows an int.
func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 || (d > 0 && n > math.MaxInt/d) {
			return -1
		}
		n *= d
	}
	return n
}

// check reports a tensor whose data does not match its shape.
func (t *Tensor) check(id string) error {
	if t == nil {
		return fmt.Errorf("checkpoint: tensor %q is nil: %w", id, ErrFormat)
	}
	for _, d := range t.Shape {
		if d < 0 {
			return fmt.Errorf("checkpoint: tensor %q: negative dimension in shape %v: %w", id, t.Shape, ErrFormat)
		}
	}
	if n := numel(t.Shape); n != len(t.Data) {
		return fmt.Errorf("checkpoint: tensor %q: shape %v holds %d values but data has %d: %w", id, t.Shape, n, len(t.Data), ErrFormat)
	}
	return nil
}
