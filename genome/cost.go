package genome

import (
	"fmt"
	"math"
	"math/bits"
)

// OpCount is the arithmetic of one operation of the network built from a genome, in FLOPs (see
// flops.go for the conventions and the formula of each operation).
type OpCount struct {
	// Op names the operation: "conv", "batch_norm", "relu", "skip", "grad_fan_in", "gap",
	// "fc", "softmax_ce" or "sgd_update".
	Op string
	// Owner is the ID of the vertex, edge or head the operation belongs to ("" for the update).
	Owner string
	// Forward and Backward are per example in a training step; Eval is per example in evaluation
	// (batch norm with running statistics, no loss: the logits are the output).
	Forward, Backward, Eval int64
	// PerStep is work done once per training step whatever the batch size (batch-norm
	// statistics, the parameter update).
	PerStep int64
}

// OpCounts lists the FLOP counts of every operation of g in backbone order, then the head, the
// loss and the update. TrainStepFLOPs, EvalBatchFLOPs and Cost are sums over this list.
func (g *Genome) OpCounts() ([]OpCount, error) {
	params, err := g.Params() // validates g
	if err != nil {
		return nil, fmt.Errorf("genome: op counts: %w", err)
	}
	shapes, err := g.Shapes()
	if err != nil {
		return nil, fmt.Errorf("genome: op counts: %w", err)
	}
	ix := g.inEdges()
	grad := g.needsGrad(ix)
	consumers := make(map[string]int, len(g.Vertices))
	consumers[g.OutputVertex().ID]++ // the head
	var ops []OpCount
	for i, v := range g.Vertices {
		s := shapes[v.ID]
		if i == 0 {
			continue
		}
		e := ix.primary[v.ID]
		consumers[e.From]++
		in := shapes[e.From]
		if e.Kind == Conv {
			op := OpCount{Op: "conv", Owner: e.ID, Forward: convForward(in, s, e), Eval: convForward(in, s, e),
				Backward: convBackwardWeights(in, s, e)}
			if grad[e.From] {
				op.Backward = satAdd(op.Backward, convBackwardInput(in, s, e))
			}
			ops = append(ops, op)
		}
		preGrad := e.Kind == Conv || grad[e.From]
		for _, k := range ix.skips[v.ID] {
			consumers[k.From]++
			op := OpCount{Op: "skip", Owner: k.ID, Forward: skipSum(s), Eval: skipSum(s)}
			if grad[k.From] {
				op.Backward = resizeBackward(shapes[k.From], s)
				preGrad = true
			}
			ops = append(ops, op)
		}
		if v.Activation == BNReLU {
			bn := OpCount{Op: "batch_norm", Owner: v.ID, Forward: batchNormTrainForward(s), Eval: batchNormEval(s),
				Backward: batchNormBackwardParams(s), PerStep: batchNormPerStep(s)}
			if preGrad {
				bn.Backward = satAdd(bn.Backward, batchNormBackwardInput(s))
			}
			ops = append(ops, bn, OpCount{Op: "relu", Owner: v.ID, Forward: reluForward(s), Eval: reluForward(s), Backward: reluBackward(s)})
		}
	}
	for _, v := range g.Vertices {
		if grad[v.ID] && consumers[v.ID] > 1 {
			ops = append(ops, OpCount{Op: "grad_fan_in", Owner: v.ID, Backward: gradFanIn(shapes[v.ID], consumers[v.ID])})
		}
	}
	return append(ops, g.headOps(shapes, grad, params)...), nil
}

// headOps counts the global average pool, the fully-connected layer, the loss and the update.
func (g *Genome) headOps(shapes map[string]Shape, grad map[string]bool, params int64) []OpCount {
	out := g.OutputVertex().ID
	s, k := shapes[out], g.Classes
	gap := OpCount{Op: "gap", Owner: g.HeadID, Forward: gapForward(s), Eval: gapForward(s)}
	fc := OpCount{Op: "fc", Owner: g.HeadID, Forward: fcForward(s.C, k), Eval: fcForward(s.C, k), Backward: fcBackwardParams(s.C, k)}
	if grad[out] {
		gap.Backward = gapBackward(s)
		fc.Backward = satAdd(fc.Backward, fcBackwardInput(s.C, k))
	}
	loss := OpCount{Op: "softmax_ce", Owner: g.HeadID, Forward: softmaxCrossEntropyForward(k), Backward: softmaxCrossEntropyBackward(k)}
	update := OpCount{Op: "sgd_update", PerStep: satMul(params, sgdUpdatePerParam)}
	return []OpCount{gap, fc, loss, update}
}

// needsGrad reports, per vertex, whether its value depends on a trainable tensor, i.e. whether
// backpropagation must compute a gradient for it. The input does not; a vertex does when it has
// a batch norm, a conv primary in-edge, or an input that does.
func (g *Genome) needsGrad(ix inEdges) map[string]bool {
	grad := make(map[string]bool, len(g.Vertices))
	for i, v := range g.Vertices {
		if i == 0 {
			continue
		}
		e := ix.primary[v.ID]
		need := v.Activation == BNReLU || e.Kind == Conv || grad[e.From]
		for _, k := range ix.skips[v.ID] {
			need = need || grad[k.From]
		}
		grad[v.ID] = need
	}
	return grad
}

// Params returns the number of trainable parameters of g (conv kernels, batch-norm γ and β, the
// head's weights and bias; not the batch-norm running statistics).
func (g *Genome) Params() (int64, error) {
	if err := g.Validate(); err != nil {
		return 0, fmt.Errorf("genome: params: %w", err)
	}
	ts, err := g.Tensors()
	if err != nil {
		return 0, fmt.Errorf("genome: params: %w", err)
	}
	var n int64
	for _, t := range ts {
		if t.Trainable {
			n = satAdd(n, prod(t.Shape...))
		}
	}
	if n == math.MaxInt64 {
		return 0, fmt.Errorf("genome: params: %w", ErrOverflow)
	}
	return n, nil
}

// TrainStepFLOPs returns F_t, the FLOPs of one SGD step on a batch of the given size: batch ×
// (forward + backward per example) + the per-step work (batch-norm statistics, the update).
func (g *Genome) TrainStepFLOPs(batch int) (int64, error) {
	if batch < 1 {
		return 0, fmt.Errorf("genome: train step flops: batch %d must be at least 1", batch)
	}
	ops, err := g.OpCounts()
	if err != nil {
		return 0, err
	}
	var perExample, perStep int64
	for _, op := range ops {
		perExample = satAdd(perExample, satAdd(op.Forward, op.Backward))
		perStep = satAdd(perStep, op.PerStep)
	}
	return checked("train step flops", satAdd(satMul(perExample, int64(batch)), perStep))
}

// EvalBatchFLOPs returns F_v, the FLOPs of evaluating one batch of the given size (forward pass
// in inference mode up to the logits). It is exactly linear in the batch size.
func (g *Genome) EvalBatchFLOPs(batch int) (int64, error) {
	if batch < 1 {
		return 0, fmt.Errorf("genome: eval batch flops: batch %d must be at least 1", batch)
	}
	ops, err := g.OpCounts()
	if err != nil {
		return 0, err
	}
	var perExample int64
	for _, op := range ops {
		perExample = satAdd(perExample, op.Eval)
	}
	return checked("eval batch flops", satMul(perExample, int64(batch)))
}

// Cost returns the compute cost of one individual (see Cost in the package doc): F_t·N_t +
// F_v·N_v, with N_t = steps training steps of the given batch size and the validation set of
// evalExamples examples.
// Because evaluation FLOPs are linear in the batch size, F_v·N_v equals evalExamples × the
// per-example evaluation FLOPs whatever the evaluation batch size, last partial batch included.
func (g *Genome) Cost(steps, batch, evalExamples int) (int64, error) {
	if steps < 0 || evalExamples < 0 {
		return 0, fmt.Errorf("genome: cost: steps %d and eval examples %d must be at least 0", steps, evalExamples)
	}
	ft, err := g.TrainStepFLOPs(batch)
	if err != nil {
		return 0, err
	}
	fv, err := g.EvalBatchFLOPs(1)
	if err != nil {
		return 0, err
	}
	return checked("cost", satAdd(satMul(ft, int64(steps)), satMul(fv, int64(evalExamples))))
}

func checked(what string, n int64) (int64, error) {
	if n == math.MaxInt64 {
		return 0, fmt.Errorf("genome: %s: %w", what, ErrOverflow)
	}
	return n, nil
}

// prod multiplies non-negative factors, saturating at math.MaxInt64.
func prod(xs ...int) int64 {
	p := int64(1)
	for _, x := range xs {
		p = satMul(p, int64(x))
	}
	return p
}

// satMul multiplies two non-negative counts, saturating at math.MaxInt64.
func satMul(a, b int64) int64 {
	if a < 0 || b < 0 {
		return math.MaxInt64
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(lo)
}

// satAdd adds two non-negative counts, saturating at math.MaxInt64.
func satAdd(a, b int64) int64 {
	if a < 0 || b < 0 || a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
