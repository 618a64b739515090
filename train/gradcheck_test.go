package train

import (
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"evo/genome"
)

// TestGradientFiniteDifferences compares the gradients gorgonia computes for every trainable
// tensor with central finite differences of the loss, in float64, on small genomes covering a
// skip, a stride-2 conv, a channel mismatch (pad and truncate) and non-square filters.
func TestGradientFiniteDifferences(t *testing.T) {
	bn, lin := genome.BNReLU, genome.Linear
	cases := []struct {
		name   string
		in     genome.Shape
		layers []layer
		skips  [][2]int
	}{
		{"skip-stride2-pad-channels", genome.Shape{H: 6, W: 5, C: 2}, []layer{
			{ch: 3, halfH: 1, halfW: 0, act: bn},
			{ch: 4, halfH: 1, halfW: 1, strideScale: 1, act: bn},
			{ch: 4, halfH: 0, halfW: 2, act: lin},
		}, [][2]int{{1, 3}}},
		{"skip-truncate-channels", genome.Shape{H: 5, W: 6, C: 3}, []layer{
			{ch: 5, halfH: 2, halfW: 1, act: bn},
			{act: lin},
			{ch: 2, halfH: 1, halfW: 1, strideScale: 1, act: bn},
		}, [][2]int{{0, 2}, {1, 3}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := buildGenome(t, c.in, 3, 0.1, c.layers, c.skips)
			st := randomState(t, g, 7)
			x, y := randomBatch(g, 3, 8)
			m, err := buildModel(g, buildSpec{batch: 3, dtype: tensor.Float64, training: true, bnDecay: 0.9, bnEps: 1e-3})
			if err != nil {
				t.Fatal(err)
			}
			defer m.close()
			if err := m.setState(st); err != nil {
				t.Fatal(err)
			}
			m.setBatch(x, y)
			loss := func() float64 {
				l, err := m.run()
				if err != nil {
					t.Fatal(err)
				}
				if err := m.zeroGrads(); err != nil {
					t.Fatal(err)
				}
				return l
			}
			if _, err := m.run(); err != nil {
				t.Fatal(err)
			}
			analytic := make([][]float64, len(m.params))
			for i, p := range m.params {
				gv, err := p.node.Grad()
				if err != nil {
					t.Fatal(err)
				}
				analytic[i] = append([]float64(nil), gv.(tensor.Tensor).Data().([]float64)...)
			}
			if err := m.zeroGrads(); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(3, 0))
			const h = 1e-6
			checked := 0
			for i, p := range m.params {
				w := p.value.Data().([]float64)
				for range min(len(w), 6) {
					j := rng.IntN(len(w))
					orig := w[j]
					w[j] = orig + h
					lp := loss()
					w[j] = orig - h
					lm := loss()
					w[j] = orig
					num := (lp - lm) / (2 * h)
					if !closeEnough(analytic[i][j], num, 1e-6, 1e-4) {
						t.Errorf("%s[%d]: gradient %v, finite difference %v", p.spec.ID, j, analytic[i][j], num)
					}
					checked++
				}
			}
			if checked < 3*len(m.params) {
				t.Fatalf("checked only %d values of %d tensors", checked, len(m.params))
			}
		})
	}
}
