package train

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"evo/genome"
)

// TestForwardMatchesNaive builds random genomes (odd and even sizes, strides, non-square
// filters, skips with resize and channel pad/truncate, both activations) and compares the
// graph's logits and loss with the naive implementation, in training mode (batch statistics)
// and evaluation mode (running statistics), in float64 and float32.
func TestForwardMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 0))
	inputs := []genome.Shape{{H: 7, W: 6, C: 2}, {H: 8, W: 8, C: 3}, {H: 5, W: 9, C: 1}}
	for i := range 12 {
		in := inputs[i%len(inputs)]
		g := randomGenome(t, rng, in, 3)
		st := randomState(t, g, int64(i))
		const b = 4
		x, y := randomBatch(g, b, int64(100+i))
		for _, tc := range []struct {
			dt       tensor.Dtype
			training bool
			tol      float64
		}{{tensor.Float64, true, 1e-9}, {tensor.Float64, false, 1e-9}, {tensor.Float32, true, 2e-4}, {tensor.Float32, false, 2e-4}} {
			t.Run(fmt.Sprintf("g%d/%v/train=%v", i, tc.dt, tc.training), func(t *testing.T) {
				m, err := buildModel(g, buildSpec{batch: b, dtype: tc.dt, training: tc.training, bnDecay: 0.9, bnEps: 1e-3})
				if err != nil {
					t.Fatal(err)
				}
				defer m.close()
				if !tc.training {
					for _, s := range m.stats {
						_ = s.setTraining(false)
					}
				}
				if err := m.setState(st); err != nil {
					t.Fatal(err)
				}
				m.setBatch(x, y)
				loss, err := m.run()
				if err != nil {
					t.Fatal(err)
				}
				want := naiveLogits(g, st, x, b, tc.training, 1e-3)
				got := m.out.logits.(tensor.Tensor)
				for j, w := range want {
					if v := at(got, j); !closeEnough(v, w, tc.tol, tc.tol) {
						t.Fatalf("genome %+v\nlogit %d = %v, naive %v", g, j, v, w)
					}
				}
				if wl := naiveLoss(want, y, g.Classes); !closeEnough(loss, wl, tc.tol, tc.tol) {
					t.Fatalf("loss %v, naive %v", loss, wl)
				}
			})
		}
	}
}

// TestConvSamePadding checks the conv block alone on the asymmetric cases: stride 2 and 4 on
// even and odd sizes, filters larger than the input, non-square filters.
func TestConvSamePadding(t *testing.T) {
	cases := []struct {
		in genome.Shape
		l  layer
	}{
		{genome.Shape{H: 8, W: 8, C: 2}, layer{ch: 3, halfH: 1, halfW: 1, strideScale: 1}},
		{genome.Shape{H: 7, W: 6, C: 1}, layer{ch: 2, halfH: 2, halfW: 0, strideScale: 1}},
		{genome.Shape{H: 6, W: 7, C: 2}, layer{ch: 2, halfH: 0, halfW: 3, strideScale: 2}},
		{genome.Shape{H: 3, W: 2, C: 1}, layer{ch: 1, halfH: 3, halfW: 3, strideScale: 0}},
		{genome.Shape{H: 9, W: 9, C: 1}, layer{ch: 2, halfH: 0, halfW: 0, strideScale: 2}},
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			c.l.act = genome.Linear
			g := buildGenome(t, c.in, 2, 0.1, []layer{c.l}, nil)
			st := randomState(t, g, int64(i))
			x, y := randomBatch(g, 2, int64(i))
			m, err := buildModel(g, buildSpec{batch: 2, dtype: tensor.Float64, bnDecay: 0.9, bnEps: 1e-3})
			if err != nil {
				t.Fatal(err)
			}
			defer m.close()
			if err := m.setState(st); err != nil {
				t.Fatal(err)
			}
			m.setBatch(x, y)
			if _, err := m.run(); err != nil {
				t.Fatal(err)
			}
			want := naiveLogits(g, st, x, 2, false, 1e-3)
			for j, w := range want {
				if v := at(m.out.logits.(tensor.Tensor), j); !closeEnough(v, w, 1e-10, 1e-10) {
					t.Fatalf("logit %d = %v, naive %v", j, v, w)
				}
			}
		})
	}
}
