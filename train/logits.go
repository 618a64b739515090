package train

import (
	"context"
	"fmt"

	"gorgonia.org/tensor"

	"evo/genome"
	"evo/train/checkpoint"
)

// Logits returns the logits of the checkpointed network g for n examples x (n·C·H·W float32
// values, NCHW, already normalised as data.Dataset.Batch normalises them), computed exactly as
// Evaluate computes them: the evaluation graph, batch norm with the running statistics, in
// batches of batch (≤ 0 means DefaultEvalBatchSize). The result holds n·Classes values,
// example by example.
func Logits(ctx context.Context, g *genome.Genome, ck *checkpoint.Checkpoint, x []float32, n, batch int) ([]float32, error) {
	if g == nil || ck == nil {
		return nil, fmt.Errorf("train: Logits needs a genome and a checkpoint: %w", ErrInput)
	}
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("train: %w: %w", ErrInput, err)
	}
	size := g.Input.C * g.Input.H * g.Input.W
	if n < 1 || len(x) != n*size {
		return nil, fmt.Errorf("train: %d input values for %d examples of %d×%d×%d: %w", len(x), n, g.Input.C, g.Input.H, g.Input.W, ErrInput)
	}
	if batch <= 0 {
		batch = DefaultEvalBatchSize
	}
	batch = min(batch, n)
	e, err := newEvaluator(g, ck.Tensors, batch, DefaultBNDecay, DefaultBNEpsilon)
	if err != nil {
		return nil, err
	}
	defer e.m.close()
	out := make([]float32, 0, n*g.Classes)
	labels := make([]int, batch)
	for lo := 0; lo < n; lo += batch {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("train: logits cancelled after %d of %d examples: %w", lo, n, err)
		}
		hi := min(lo+batch, n)
		e.m.setBatch(x[lo*size:hi*size], labels[:hi-lo])
		if _, err := e.m.run(); err != nil {
			return nil, fmt.Errorf("train: logits of examples %d–%d: %w", lo, hi, err)
		}
		l := float32s(e.m.out.logits.(*tensor.Dense))
		out = append(out, l[:(hi-lo)*g.Classes]...)
	}
	return out, nil
}
