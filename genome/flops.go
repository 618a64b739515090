package genome

// FLOP counts of each operation of the network, one small function per operation, so that the
// trainer can compare its measured counts op by op. Conventions: one multiply or one add is one
// FLOP (a multiply–add is two); comparisons, max, exp, log, square roots and divisions count one
// each; pure data movement (copies, gathers, padding with zeros, slicing, reshapes, broadcasts)
// counts zero. Counts are per example unless the name says per step. N is the number of elements
// of one example's tensor (H·W·C). Every product goes through prod, which saturates at
// math.MaxInt64 instead of overflowing; the totals report ErrOverflow when they saturate.

// convForward is a 'SAME' convolution as a dense product: each of the Ho·Wo·Co outputs is a dot
// product of length Ci·kh·kw, one multiply–add per term, border zeros included (as im2col+GEMM
// computes it).
func convForward(in, out Shape, e Edge) int64 {
	return prod(2, out.H, out.W, out.C, in.C, e.FilterH(), e.FilterW())
}

// convBackwardWeights is the kernel gradient: as many multiply–adds as the forward pass.
func convBackwardWeights(in, out Shape, e Edge) int64 { return convForward(in, out, e) }

// convBackwardInput is the input gradient (a transposed convolution): as many multiply–adds as
// the forward pass. It is only computed when the conv's source depends on a trainable tensor;
// the conv reading the input image needs none.
func convBackwardInput(in, out Shape, e Edge) int64 { return convForward(in, out, e) }

// batchNormTrainForward normalises with batch statistics: mean (1 add per element), variance
// (subtract, square, add: 3), normalise (subtract, multiply by 1/σ: 2), scale and shift (2).
func batchNormTrainForward(s Shape) int64 { return prod(8, s.H, s.W, s.C) }

// batchNormPerStep is the per-channel work of one training step: divide the two sums by the
// count (2), add ε and take 1/√ (2), update the running mean and variance with decay d
// (d·r + (1−d)·x: 3 each, 6).
func batchNormPerStep(s Shape) int64 { return prod(10, s.C) }

// batchNormBackwardParams is the gradient of γ (Σ dy·x̂: 2 per element) and β (Σ dy: 1).
func batchNormBackwardParams(s Shape) int64 { return prod(3, s.H, s.W, s.C) }

// batchNormBackwardInput is dx = γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂)), reusing the sums of the
// parameter gradients: subtract, multiply, subtract, scale, plus the two means' share: 5 per
// element. Only computed when the vertex's input depends on a trainable tensor.
func batchNormBackwardInput(s Shape) int64 { return prod(5, s.H, s.W, s.C) }

// batchNormEval normalises with the running statistics: subtract, multiply, scale, shift (4 per
// element). The per-channel 1/√(var+ε), 2 per channel and batch, is left out so that evaluation
// counts stay exactly linear in the batch size.
func batchNormEval(s Shape) int64 { return prod(4, s.H, s.W, s.C) }

// reluForward is one max per element; reluBackward one mask multiply per element.
func reluForward(s Shape) int64  { return prod(1, s.H, s.W, s.C) }
func reluBackward(s Shape) int64 { return prod(1, s.H, s.W, s.C) }

// skipSum adds one resized, channel-adjusted skip input to the vertex's accumulator: one add per
// element of the vertex. The resize (nearest neighbour, a gather) and the channel truncation or
// zero padding are data movement: zero. The sum's backward passes the gradient through: zero.
func skipSum(to Shape) int64 { return prod(1, to.H, to.W, to.C) }

// resizeBackward is the adjoint of the nearest-neighbour resize of a skip from shape from to
// shape to: each source element sums the gradients of the outputs that copied it. Of the
// to.H·to.W outputs per channel, min(from.H, to.H)·min(from.W, to.W) land on distinct sources
// (every source row and column when upsampling, one per output when downsampling) and each
// other one costs an add, over the min(from.C, to.C) channels that survive truncation. Only
// computed when the skip's source depends on a trainable tensor.
func resizeBackward(from, to Shape) int64 {
	picked := prod(min(from.H, to.H), min(from.W, to.W))
	return satMul(prod(to.H, to.W)-picked, int64(min(from.C, to.C)))
}

// gradFanIn sums the gradients of a vertex read by k consumers (its primary out-edge, skips out
// of it, or the head): k−1 adds per element. Only when the vertex depends on a trainable tensor.
func gradFanIn(s Shape, consumers int) int64 {
	if consumers < 2 {
		return 0
	}
	return prod(consumers-1, s.H, s.W, s.C)
}

// gapForward is global average pooling: H·W adds per channel (N) and one divide per channel.
func gapForward(s Shape) int64 { return satAdd(prod(s.H, s.W, s.C), int64(s.C)) }

// gapBackward spreads each channel's gradient over its H·W positions scaled by 1/(H·W): one
// multiply per element. Only when the output vertex depends on a trainable tensor.
func gapBackward(s Shape) int64 { return prod(s.H, s.W, s.C) }

// fcForward is the head's affine layer: C·K multiply–adds and K bias adds.
func fcForward(c, classes int) int64 { return satAdd(prod(2, c, classes), int64(classes)) }

// fcBackwardParams is the gradient of the weights (C·K multiply–adds) and of the bias (K adds
// into the batch sum).
func fcBackwardParams(c, classes int) int64 { return satAdd(prod(2, c, classes), int64(classes)) }

// fcBackwardInput is the gradient of the pooled features: C·K multiply–adds. Only when the
// output vertex depends on a trainable tensor.
func fcBackwardInput(c, classes int) int64 { return prod(2, c, classes) }

// softmaxCrossEntropyForward is a stable log-softmax and the loss: max (K), subtract (K),
// exp (K), sum (K), log (1), minus the true class's logit (1), and the batch mean (1).
func softmaxCrossEntropyForward(classes int) int64 { return satAdd(prod(4, classes), 3) }

// softmaxCrossEntropyBackward is (softmax − one-hot)/B: a divide per class for the softmax, one
// subtract for the true class, a multiply per class for 1/B.
func softmaxCrossEntropyBackward(classes int) int64 { return satAdd(prod(2, classes), 1) }

// sgdUpdatePerParam is SGD with momentum and weight decay applied to the weights, per trainable
// parameter and step: g + wd·w (2), v ← μ·v + g (2), w ← w − lr·v (2). (The momentum step
// alone is 4; the decay term adds 2.)
const sgdUpdatePerParam = 6
