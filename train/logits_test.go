package train

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"evo/genome"
	"evo/train/checkpoint"
	"evo/train/data"
)

// TestLogitsMatchEvaluate: the logits of Logits give Evaluate's predictions, and do not depend
// on the batch size.
func TestLogitsMatchEvaluate(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 0))
	for i := range 3 {
		g := randomGenome(t, rng, genome.Shape{H: 7, W: 7, C: 2}, 4)
		ck := &checkpoint.Checkpoint{Tensors: randomState(t, g, int64(i))}
		d := data.Synthetic(40, 7, 7, 2, 4, int64(i))
		s := d.Test
		_, pred, err := Evaluate(context.Background(), g, ck, d, s, 0)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float32, s.Len()*d.ExampleSize())
		idx := make([]int, s.Len())
		for j := range idx {
			idx[j] = j
		}
		d.Batch(s, idx, false, nil, x, make([]int, s.Len()))
		all, err := Logits(context.Background(), g, ck, x, s.Len(), 0)
		if err != nil {
			t.Fatal(err)
		}
		small, err := Logits(context.Background(), g, ck, x, s.Len(), 3)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(all, small) {
			t.Errorf("genome %d: logits differ between batch sizes %d and 3", i, DefaultEvalBatchSize)
		}
		for j, p := range pred {
			row := all[j*g.Classes : (j+1)*g.Classes]
			best := 0
			for k, v := range row {
				if v > row[best] {
					best = k
				}
			}
			if best != p {
				t.Fatalf("genome %d, example %d: argmax of the logits %d, Evaluate predicts %d", i, j, best, p)
			}
		}
	}
	if _, err := Logits(context.Background(), genome.Initial(genome.Shape{H: 2, W: 2, C: 1}, 2), checkpoint.New(), make([]float32, 3), 1, 0); err == nil {
		t.Error("3 values for one 2×2×1 example: no error")
	}
}
