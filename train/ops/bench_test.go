package ops

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// benchStep times forward + backward of the graph that build returns (its output driven by a
// fixed output gradient) on a TapeMachine, one RunAll + Reset per iteration, and reports GFLOP/s
// for flops per step and the bytes allocated per step.
func benchStep(b *testing.B, flops float64, build func(g *gorgonia.ExprGraph, rng *rand.Rand) (out *gorgonia.Node, wrt gorgonia.Nodes)) {
	rng := rand.New(rand.NewPCG(1, 2))
	g := gorgonia.NewGraph()
	out, wrt := build(g, rng)
	dy := input(g, "dy", randDense(rng, tensor.Float32, out.Shape()...))
	if _, err := gorgonia.Backpropagate(gorgonia.Nodes{out}, gorgonia.Nodes{dy}, wrt); err != nil {
		b.Fatal(err)
	}
	m := gorgonia.NewTapeMachine(g, gorgonia.BindDualValues(wrt...))
	defer m.Close()
	if err := m.RunAll(); err != nil { // warm-up: first-step buffer allocation
		b.Fatal(err)
	}
	m.Reset()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := m.RunAll(); err != nil {
			b.Fatal(err)
		}
		m.Reset()
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "MB/step")
}

// fullConvs are the convolutions of the reference net "full" at batch 50.
var fullConvs = []struct {
	ci, hw, co, s int
	first         bool
}{
	{3, 32, 64, 1, true}, {64, 32, 64, 1, false}, {64, 32, 128, 2, false}, {128, 16, 128, 1, false},
}

func BenchmarkConv(b *testing.B) {
	const batch = 50
	for _, c := range fullConvs {
		geo, _ := newConvGeom(batch, c.ci, c.hw, c.hw, c.co, 3, 3, c.s)
		passes := 3.0 // forward, grad-input, grad-weight
		if c.first {
			passes = 2
		}
		name := fmt.Sprintf("%dto%d_%dx%d_s%d", c.ci, c.co, c.hw, c.hw, c.s)
		inputs := func(g *gorgonia.ExprGraph, rng *rand.Rand) (*gorgonia.Node, *gorgonia.Node) {
			return input(g, "x", randDense(rng, tensor.Float32, batch, c.ci, c.hw, c.hw)),
				input(g, "w", randDense(rng, tensor.Float32, c.co, c.ci, 3, 3))
		}
		b.Run("ops/"+name, func(b *testing.B) {
			benchStep(b, passes*float64(geo.flops()), func(g *gorgonia.ExprGraph, rng *rand.Rand) (*gorgonia.Node, gorgonia.Nodes) {
				x, w := inputs(g, rng)
				y, err := Conv2D(x, w, ConvConfig{Stride: c.s, NoInputGrad: c.first})
				if err != nil {
					b.Fatal(err)
				}
				return y, gorgonia.Nodes{w}
			})
		})
		b.Run("stock/"+name, func(b *testing.B) {
			benchStep(b, passes*float64(geo.flops()), func(g *gorgonia.ExprGraph, rng *rand.Rand) (*gorgonia.Node, gorgonia.Nodes) {
				x, w := inputs(g, rng)
				y, err := gorgonia.Conv2d(x, w, tensor.Shape{3, 3}, []int{1, 1}, []int{c.s, c.s}, []int{1, 1})
				if err != nil {
					b.Fatal(err)
				}
				if c.first {
					return y, gorgonia.Nodes{w}
				}
				return y, gorgonia.Nodes{w, x}
			})
		})
	}
}

func BenchmarkBNReLU(b *testing.B) {
	const batch = 50
	for _, s := range [][2]int{{64, 32}, {128, 16}} {
		c, hw := s[0], s[1]
		name := fmt.Sprintf("%dx%dx%d", c, hw, hw)
		inputs := func(g *gorgonia.ExprGraph, rng *rand.Rand) (x, gamma, beta *gorgonia.Node) {
			return input(g, "x", randDense(rng, tensor.Float32, batch, c, hw, hw)),
				input(g, "gamma", randDense(rng, tensor.Float32, c)), input(g, "beta", randDense(rng, tensor.Float32, c))
		}
		b.Run("ops/"+name, func(b *testing.B) {
			benchStep(b, 0, func(g *gorgonia.ExprGraph, rng *rand.Rand) (*gorgonia.Node, gorgonia.Nodes) {
				x, gamma, beta := inputs(g, rng)
				y, _, err := BNReLU(x, gamma, beta, BNConfig{})
				if err != nil {
					b.Fatal(err)
				}
				return y, gorgonia.Nodes{x, gamma, beta}
			})
		})
		b.Run("stock/"+name, func(b *testing.B) {
			benchStep(b, 0, func(g *gorgonia.ExprGraph, rng *rand.Rand) (*gorgonia.Node, gorgonia.Nodes) {
				x, gamma, beta := inputs(g, rng)
				g4 := gorgonia.Must(gorgonia.Reshape(gamma, tensor.Shape{1, c, 1, 1}))
				b4 := gorgonia.Must(gorgonia.Reshape(beta, tensor.Shape{1, c, 1, 1}))
				y, _, _, _, err := gorgonia.BatchNorm(x, g4, b4, 0.1, 1e-5)
				if err != nil {
					b.Fatal(err)
				}
				return gorgonia.Must(gorgonia.Rectify(y)), gorgonia.Nodes{x, gamma, beta}
			})
		})
	}
}

func BenchmarkGlobalAvgPool(b *testing.B) {
	const batch, c, hw = 50, 128, 16
	inputs := func(g *gorgonia.ExprGraph, rng *rand.Rand) *gorgonia.Node {
		return input(g, "x", randDense(rng, tensor.Float32, batch, c, hw, hw))
	}
	b.Run("ops", func(b *testing.B) {
		benchStep(b, 0, func(g *gorgonia.ExprGraph, rng *rand.Rand) (*gorgonia.Node, gorgonia.Nodes) {
			x := inputs(g, rng)
			return gorgonia.Must(GlobalAvgPool(x)), gorgonia.Nodes{x}
		})
	})
	b.Run("stock", func(b *testing.B) {
		benchStep(b, 0, func(g *gorgonia.ExprGraph, rng *rand.Rand) (*gorgonia.Node, gorgonia.Nodes) {
			x := inputs(g, rng)
			r := gorgonia.Must(gorgonia.Reshape(x, tensor.Shape{batch, c, hw * hw}))
			return gorgonia.Must(gorgonia.Mean(r, 2)), gorgonia.Nodes{x}
		})
	})
}
