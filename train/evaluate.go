package train

import (
	"context"
	"fmt"

	"gorgonia.org/tensor"

	"evo/genome"
	"evo/train/checkpoint"
	"evo/train/data"
)

// Evaluate returns the accuracy of the checkpointed network g on split s of d, and the predicted
// class of every example of s in order. batch is the evaluation batch size (≤ 0 means
// DefaultEvalBatchSize); results do not depend on it. Batch norm uses the checkpoint's running
// statistics. Non-finite logits are an error.
func Evaluate(ctx context.Context, g *genome.Genome, ck *checkpoint.Checkpoint, d *data.Dataset, s *data.Split, batch int) (acc float64, pred []int, err error) {
	if g == nil || ck == nil || d == nil || s == nil {
		return 0, nil, fmt.Errorf("train: Evaluate needs a genome, a checkpoint, a data set and a split: %w", ErrInput)
	}
	if err := g.Validate(); err != nil {
		return 0, nil, fmt.Errorf("train: %w: %w", ErrInput, err)
	}
	if err := checkFits(g, d); err != nil {
		return 0, nil, err
	}
	if s.Len() == 0 {
		return 0, nil, fmt.Errorf("train: empty split of data set %s: %w", d.Name, ErrInput)
	}
	if batch <= 0 {
		batch = DefaultEvalBatchSize
	}
	e, err := newEvaluator(g, ck.Tensors, batch, DefaultBNDecay, DefaultBNEpsilon)
	if err != nil {
		return 0, nil, err
	}
	defer e.m.close()
	pred, finite, err := e.predict(ctx, d, s, s.Len())
	if err != nil {
		return 0, nil, err
	}
	if !finite {
		return 0, nil, fmt.Errorf("train: evaluate on %s: the network produced NaN or infinite logits", d.Name)
	}
	return accuracy(pred, s), pred, nil
}

// evaluator is an evaluation model (running batch-norm statistics, no gradients), separate from
// the training model: switching a gorgonia batch-norm op back to training mode wipes its running
// statistics (trap 5), so the training ops are never switched.
type evaluator struct {
	m *model
}

// newEvaluator builds the evaluation graph of g for the given batch size and loads st.
func newEvaluator(g *genome.Genome, st map[string]*checkpoint.Tensor, batch int, decay, eps float64) (*evaluator, error) {
	m, err := buildModel(g, buildSpec{batch: batch, dtype: tensor.Float32, bnDecay: decay, bnEps: eps})
	if err != nil {
		return nil, err
	}
	for _, b := range m.stats {
		if err := b.setTraining(false); err != nil {
			m.close()
			return nil, fmt.Errorf("train: vertex %s: inference mode: %w: %w", b.vertex(), ErrBuild, err)
		}
	}
	if err := m.setState(st); err != nil {
		m.close()
		return nil, err
	}
	return &evaluator{m: m}, nil
}

// predict returns the predicted classes of the first n examples of s and whether every logit
// was finite. A last partial batch leaves the model's remaining rows as they were: with running
// statistics the rows do not interact, and their predictions are dropped.
func (e *evaluator) predict(ctx context.Context, d *data.Dataset, s *data.Split, n int) ([]int, bool, error) {
	b := e.m.spec.batch
	x := make([]float32, b*d.ExampleSize())
	y := make([]int, b)
	pred := make([]int, 0, n)
	idx := make([]int, 0, b)
	finite := true
	for lo := 0; lo < n; lo += b {
		if err := ctx.Err(); err != nil {
			return nil, false, fmt.Errorf("train: evaluation cancelled after %d of %d examples: %w", lo, n, err)
		}
		hi := min(lo+b, n)
		idx = idx[:0]
		for i := lo; i < hi; i++ {
			idx = append(idx, i)
		}
		k := hi - lo
		d.Batch(s, idx, false, nil, x[:k*d.ExampleSize()], y[:k])
		e.m.setBatch(x[:k*d.ExampleSize()], y[:k])
		if _, err := e.m.run(); err != nil {
			return nil, false, fmt.Errorf("train: evaluate examples %d–%d: %w", lo, hi, err)
		}
		p, ok := e.m.predictions(k)
		finite = finite && ok
		pred = append(pred, p...)
	}
	return pred, finite, nil
}

// accuracy is the fraction of pred that matches the labels of s.
func accuracy(pred []int, s *data.Split) float64 {
	if len(pred) == 0 {
		return 0
	}
	correct := 0
	for i, p := range pred {
		if p == s.Label(i) {
			correct++
		}
	}
	return float64(correct) / float64(len(pred))
}
