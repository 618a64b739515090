package train

import (
	"fmt"
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"evo/genome"
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
					run := func(sync bool) ([]float64, map[string][]float64) {
						m, err := buildModel(c.g, buildSpec{batch: c.batch, dtype: dt, training: true, bnDecay: 0.9, bnEps: 1e-3, stock: stock})
						if err != nil {
							t.Fatal(err)
						}
						defer m.close()
						if m.runner == nil {
							t.Fatal("no synchronous runner for a training machine: gorgonia's tape machine changed (see tape.go)")
						}
						if !sync {
							m.runner = nil
						}
						if err := m.setState(st); err != nil {
							t.Fatal(err)
						}
						opt := &sgd{lr: c.g.LearningRate, momentum: 0.9, decay: 1e-4}
						var losses []float64
						for i := range 5 {
							x, y := randomBatch(c.g, c.batch, int64(2000+i))
							m.setBatch(x, y)
							loss, err := m.run()
							if err != nil {
								t.Fatal(err)
							}
							losses = append(losses, loss)
							if err := opt.step(m.params); err != nil {
								t.Fatal(err)
							}
						}
						// Every tensor at full precision, and the state (running statistics too).
						out := map[string][]float64{}
						for _, p := range m.params {
							switch d := p.value.Data().(type) {
							case []float64:
								out["param "+p.spec.ID] = append([]float64(nil), d...)
							case []float32:
								for _, v := range d {
									out["param "+p.spec.ID] = append(out["param "+p.spec.ID], float64(v))
								}
							}
						}
						for id, v := range m.state() {
							for _, f := range v.Data {
								out[id] = append(out[id], float64(f))
							}
						}
						return losses, out
					}
					syncLoss, syncSt := run(true)
					allLoss, allSt := run(false)
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
