package ops

import "fmt"

// convGeom is the geometry of one SAME-padded strided convolution over an NCHW batch.
type convGeom struct {
	B, Ci, H, W int // input batch, channels, height, width
	Co, KH, KW  int // output channels, filter height and width (odd)
	S           int // stride, a power of two, the same in y and x
	Ho, Wo      int // output height and width: ceil(H/S), ceil(W/S)
	PadT, PadL  int // TensorFlow SAME padding at the top and left; the extra row/column goes bottom/right
}

// newConvGeom checks the parameters and computes SAME padding (SamePad).
func newConvGeom(b, ci, h, w, co, kh, kw, stride int) (convGeom, error) {
	if b < 1 || ci < 1 || h < 1 || w < 1 {
		return convGeom{}, fmt.Errorf("conv2d: input shape (%d,%d,%d,%d): every dimension must be at least 1: %w", b, ci, h, w, ErrShape)
	}
	if co < 1 || kh < 1 || kw < 1 || kh%2 == 0 || kw%2 == 0 {
		return convGeom{}, fmt.Errorf("conv2d: filter shape (%d,%d,%d,%d): need at least one output channel and odd filter sizes: %w", co, ci, kh, kw, ErrShape)
	}
	if stride < 1 || stride&(stride-1) != 0 {
		return convGeom{}, fmt.Errorf("conv2d: stride %d: want a power of two (1, 2, 4, ...): %w", stride, ErrConfig)
	}
	g := convGeom{B: b, Ci: ci, H: h, W: w, Co: co, KH: kh, KW: kw, S: stride}
	g.Ho, g.Wo = (h+stride-1)/stride, (w+stride-1)/stride
	g.PadT, _ = SamePad(h, kh, stride)
	g.PadL, _ = SamePad(w, kw, stride)
	return g, nil
}

// SamePad is TensorFlow's SAME padding of an axis of length in for a filter of size k and the
// given stride: the output has ceil(in/stride) positions, the total padding is
// max((out−1)·stride + k − in, 0), before is its smaller half (top or left) and after the
// rest (bottom or right). Conv2D pads so; train/onnx's export writes the same pads.
func SamePad(in, k, stride int) (before, after int) {
	out := (in + stride - 1) / stride
	total := max((out-1)*stride+k-in, 0)
	return total / 2, total - total/2
}

// K is the length of one im2col column: Ci·KH·KW.
func (g convGeom) K() int { return g.Ci * g.KH * g.KW }

// N is the number of output pixels per example and channel: Ho·Wo.
func (g convGeom) N() int { return g.Ho * g.Wo }

// direct reports whether the convolution is a 1×1 stride-1 one, whose im2col matrix is the input.
func (g convGeom) direct() bool { return g.KH == 1 && g.KW == 1 && g.S == 1 }

// flops is the multiply-add count ×2 of the forward pass over the batch.
func (g convGeom) flops() int64 {
	return 2 * int64(g.B) * int64(g.Co) * int64(g.K()) * int64(g.N())
}

// owRange returns the output columns [lo,hi) whose input column ow·S − PadL + kj lies inside the image.
func (g convGeom) owRange(kj int) (lo, hi int) {
	for lo < g.Wo && lo*g.S-g.PadL+kj < 0 {
		lo++
	}
	hi = g.Wo
	for hi > lo && (hi-1)*g.S-g.PadL+kj >= g.W {
		hi--
	}
	return lo, hi
}
