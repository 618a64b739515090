package train

import (
	"fmt"
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"evo/genome"
	"evo/train/checkpoint"
)

// TestTapeRunner: the synchronous runner is in use for training and evaluation machines, with
// custom ops and with the stock blocks, and a run through it is bit for bit a run through
// RunAll: the same losses and the same tensors, running statistics included, after 5 steps.
func TestTapeRunner(t *testing.T) {
	for _, c := range referenceNets(t) {
		if c.name == "full" {
			continue // the same blocks as mid, four times slower
		}
		for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
			for _, stock := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%v/stock=%v", c.name, dt, stock), func(t *testing.T) {
					st := randomState(t, c.g, 7)
					syncLoss, syncState, syncSt := trajectory(t, c.g, st, dt, c.batch, 5, blocksFor(stock), false)
					allLoss, allState, allSt := trajectory(t, c.g, st, dt, c.batch, 5, blocksFor(stock), true)
					withState(syncSt, syncState)
					withState(allSt, allState)
					for i := range syncLoss {
						if math.Float64bits(syncLoss[i]) != math.Float64bits(allLoss[i]) {
							t.Fatalf("step %d: loss %v synchronously, %v through RunAll", i, syncLoss[i], allLoss[i])
						}
					}
					if len(syncSt) != len(allSt) {
						t.Fatalf("%d tensors synchronously, %d through RunAll", len(syncSt), len(allSt))
					}
					for id, a := range syncSt {
						b := allSt[id]
						for j := range a {
							if math.Float64bits(a[j]) != math.Float64bits(b[j]) {
								t.Fatalf("%s[%d]: %v synchronously, %v through RunAll", id, j, a[j], b[j])
							}
						}
					}
				})
			}
		}
	}
	e, err := buildModel(genome.Initial(genome.Shape{H: 8, W: 8, C: 1}, 10), buildSpec{batch: 4, dtype: tensor.Float32, bnDecay: 0.9, bnEps: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	if e.runner == nil {
		t.Error("no synchronous runner for an evaluation machine")
	}
}

// withState adds the checkpoint state (running statistics included) to the tensors of tensors.
func withState(tensors map[string][]float64, state map[string]*checkpoint.Tensor) {
	for id, v := range state {
		for _, f := range v.Data {
			tensors["state "+id] = append(tensors["state "+id], float64(f))
		}
	}
}

// TestTapeRunnerRefuses: anything but a tape machine gets no runner (and so runs through the
// machine's own RunAll).
func TestTapeRunnerRefuses(t *testing.T) {
	g := G.NewGraph()
	x := G.NewScalar(g, tensor.Float64, G.WithName("x"), G.WithValue(2.0))
	if _, err := G.Square(x); err != nil {
		t.Fatal(err)
	}
	lisp := G.NewLispMachine(g)
	defer lisp.Close()
	if r, err := newTapeRunner(lisp); r != nil || err == nil {
		t.Errorf("a lisp machine got a tape runner (%v)", err)
	}
	if r, err := newTapeRunner(nil); r != nil || err == nil {
		t.Errorf("nil got a tape runner (%v)", err)
	}
}
