package train

import (
	"fmt"
	"math"
	"os"
	"testing"

	"gorgonia.org/tensor"

	"evo/genome"
	"evo/train/checkpoint"
)

// The custom ops of train/ops replace stock-gorgonia compositions (stockOps). These
// tests train the same networks from the same tensors on the same batches both ways and compare
// the loss trajectories, the batch-norm running statistics and the final weights.

// referenceNets are the package doc's reference nets (tiny, mid, full) plus a net with odd sizes,
// a skip from the input and a 7→4 resize with channel padding. By default the big nets run
// on 16×16 inputs at batch 16; EVO_STOCK_FULL=1 (run by .ci/run) uses 32×32 at batch 50.
func referenceNets(t *testing.T) []struct {
	name  string
	g     *genome.Genome
	batch int
} {
	big := os.Getenv("EVO_STOCK_FULL") != ""
	in, b := genome.Shape{H: 16, W: 16, C: 3}, 16
	if big {
		in, b = genome.Shape{H: 32, W: 32, C: 3}, 50
	}
	bn := genome.BNReLU
	mid := buildGenome(t, in, 10, 0.01, []layer{conv3(16, bn), {ch: 32, halfH: 1, halfW: 1, strideScale: 1, act: bn}, conv3(32, bn)}, nil)
	full := buildGenome(t, in, 10, 0.01, []layer{
		conv3(64, bn), conv3(64, bn), {ch: 128, halfH: 1, halfW: 1, strideScale: 1, act: bn}, conv3(128, bn),
	}, [][2]int{{2, 4}})
	odd := buildGenome(t, genome.Shape{H: 7, W: 7, C: 2}, 4, 0.05, []layer{
		{ch: 3, halfH: 1, halfW: 2, act: bn}, {ch: 5, halfH: 1, halfW: 1, strideScale: 1, act: bn}, {ch: 4, halfH: 0, halfW: 1, act: genome.Linear},
	}, [][2]int{{0, 3}, {1, 3}})
	return []struct {
		name  string
		g     *genome.Genome
		batch int
	}{
		{"tiny", genome.Initial(genome.Shape{H: 32, W: 32, C: 3}, 10), 50},
		{"mid", mid, b},
		{"full", full, b},
		{"odd-skips", odd, 6},
	}
}

// trajectory trains g for steps SGD steps from st on deterministic random batches and returns
// the loss of every step, the final state, and every trainable tensor at the model's own
// precision. blocks builds the network (nil: the custom ops); runAll runs the machine through
// RunAll instead of the synchronous tape runner.
func trajectory(t *testing.T, g *genome.Genome, st map[string]*checkpoint.Tensor, dt tensor.Dtype, batch, steps int, blocks blockBuilder, runAll bool) ([]float64, map[string]*checkpoint.Tensor, map[string][]float64) {
	t.Helper()
	m, err := buildModel(g, buildSpec{batch: batch, dtype: dt, training: true, bnDecay: 0.9, bnEps: 1e-3, blocks: blocks})
	if err != nil {
		t.Fatal(err)
	}
	defer m.close()
	if m.runner == nil {
		t.Fatal("no synchronous runner for a training machine: gorgonia's tape machine changed (see tape.go)")
	}
	if runAll {
		m.runner = nil
	}
	if err := m.setState(st); err != nil {
		t.Fatal(err)
	}
	opt := &sgd{lr: g.LearningRate, momentum: 0.9, decay: 1e-4}
	losses := make([]float64, steps)
	for i := range steps {
		x, y := randomBatch(g, batch, int64(1000+i))
		m.setBatch(x, y)
		if losses[i], err = m.run(); err != nil {
			t.Fatal(err)
		}
		if err := opt.step(m.params); err != nil {
			t.Fatal(err)
		}
	}
	params := map[string][]float64{}
	for _, p := range m.params {
		switch d := p.value.Data().(type) {
		case []float64:
			params[p.spec.ID] = append([]float64(nil), d...)
		case []float32:
			for _, v := range d {
				params[p.spec.ID] = append(params[p.spec.ID], float64(v))
			}
		}
	}
	return losses, m.state(), params
}

// TestCustomOpsMatchStock trains every reference net 20 steps with the custom ops and with the
// stock blocks. In float32 the losses agree within 1e-4 and every tensor, running statistics
// included, within 1e-3: the two compute in different orders, and where a value before a ReLU
// rounds to opposite signs the two paths pass or stop that element's gradient, a discrete
// difference that later steps amplify. In float64 such flips do not happen and everything
// agrees within 1e-7.
func TestCustomOpsMatchStock(t *testing.T) {
	const steps = 20
	for _, c := range referenceNets(t) {
		for _, tc := range []struct {
			dt         tensor.Dtype
			loss, tens float64
		}{{tensor.Float32, 1e-4, 1e-3}, {tensor.Float64, 1e-9, 1e-7}} {
			t.Run(fmt.Sprintf("%s/b%d/%dx%d/%v", c.name, c.batch, c.g.Input.H, c.g.Input.W, tc.dt), func(t *testing.T) {
				st := randomState(t, c.g, 5)
				fast, fastSt, _ := trajectory(t, c.g, st, tc.dt, c.batch, steps, nil, false)
				stock, stockSt, _ := trajectory(t, c.g, st, tc.dt, c.batch, steps, stockOps{}, false)
				worst := 0.0
				for i := range fast {
					worst = max(worst, math.Abs(fast[i]-stock[i]))
					if !closeEnough(fast[i], stock[i], tc.loss, tc.loss) {
						t.Errorf("step %d: loss %.9f with custom ops, %.9f stock", i, fast[i], stock[i])
					}
				}
				worstStat, worstParam := 0.0, 0.0
				specs, _ := c.g.Tensors()
				for _, s := range specs {
					id, want, got := s.ID, stockSt[s.ID], fastSt[s.ID]
					stat := !s.Trainable
					for j, w := range want.Data {
						d := math.Abs(float64(got.Data[j] - w))
						if stat {
							worstStat = max(worstStat, d)
						} else {
							worstParam = max(worstParam, d)
						}
						if !closeEnough(float64(got.Data[j]), float64(w), tc.tens, tc.tens) {
							t.Errorf("%s[%d] = %v with custom ops, %v stock", id, j, got.Data[j], w)
							break
						}
					}
				}
				t.Logf("loss %.5f → %.5f; largest difference: loss %.2g, running statistics %.2g, weights %.2g",
					stock[0], stock[steps-1], worst, worstStat, worstParam)
			})
		}
	}
}
