package ops

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

type convCase struct{ b, ci, h, w, co, kh, kw, s int }

func (c convCase) String() string {
	return fmt.Sprintf("b%d_%dx%dx%d_to_%d_k%dx%d_s%d", c.b, c.ci, c.h, c.w, c.co, c.kh, c.kw, c.s)
}

func convBuild(c convCase) func(g *gorgonia.ExprGraph, in []*gorgonia.Node) *gorgonia.Node {
	return func(g *gorgonia.ExprGraph, in []*gorgonia.Node) *gorgonia.Node {
		y, err := Conv2D(in[0], in[1], ConvConfig{Stride: c.s})
		if err != nil {
			panic(err)
		}
		return y
	}
}

func TestConv2DGradFiniteDiff(t *testing.T) {
	cases := []convCase{
		{2, 3, 5, 5, 4, 3, 3, 1},
		{2, 2, 6, 7, 3, 3, 5, 2}, // asymmetric SAME padding, non-square filter
		{1, 3, 4, 4, 2, 1, 1, 1}, // direct 1×1 path
		{2, 2, 7, 6, 3, 1, 3, 2},
		{1, 2, 5, 6, 2, 5, 1, 4},
		{3, 1, 3, 3, 2, 7, 7, 1}, // filter larger than the image
		{2, 2, 1, 1, 2, 1, 5, 1}, // filter columns that see only padding (empty im2col ranges)
		{2, 1, 2, 1, 2, 3, 5, 2},
	}
	for _, c := range cases {
		t.Run(c.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(c.h)))
			vals := []*tensor.Dense{
				randDense(rng, tensor.Float64, c.b, c.ci, c.h, c.w),
				randDense(rng, tensor.Float64, c.co, c.ci, c.kh, c.kw),
			}
			checkFiniteDiff(t, vals, []int{0, 1}, 12, convBuild(c))
		})
	}
}

// naiveConv is the definition of a SAME-padded strided convolution, for the forward check.
func naiveConv(c convCase, x, w []float64) []float64 {
	g, _ := newConvGeom(c.b, c.ci, c.h, c.w, c.co, c.kh, c.kw, c.s)
	y := make([]float64, c.b*c.co*g.Ho*g.Wo)
	for b := 0; b < c.b; b++ {
		for o := 0; o < c.co; o++ {
			for oh := 0; oh < g.Ho; oh++ {
				for ow := 0; ow < g.Wo; ow++ {
					var s float64
					for i := 0; i < c.ci; i++ {
						for ki := 0; ki < c.kh; ki++ {
							for kj := 0; kj < c.kw; kj++ {
								ih, iw := oh*c.s-g.PadT+ki, ow*c.s-g.PadL+kj
								if ih >= 0 && ih < c.h && iw >= 0 && iw < c.w {
									s += x[((b*c.ci+i)*c.h+ih)*c.w+iw] * w[((o*c.ci+i)*c.kh+ki)*c.kw+kj]
								}
							}
						}
					}
					y[((b*c.co+o)*g.Ho+oh)*g.Wo+ow] = s
				}
			}
		}
	}
	return y
}

func TestConv2DForwardMatchesDefinition(t *testing.T) {
	for _, c := range []convCase{{2, 2, 6, 7, 3, 3, 5, 2}, {1, 3, 8, 8, 4, 3, 3, 4}, {2, 2, 5, 5, 3, 1, 1, 2}, {2, 2, 1, 1, 2, 1, 5, 1}} {
		t.Run(c.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(2, 2))
			x := randDense(rng, tensor.Float64, c.b, c.ci, c.h, c.w)
			w := randDense(rng, tensor.Float64, c.co, c.ci, c.kh, c.kw)
			g := gorgonia.NewGraph()
			y, err := Conv2D(input(g, "x", x), input(g, "w", w), ConvConfig{Stride: c.s})
			if err != nil {
				t.Fatal(err)
			}
			m := gorgonia.NewTapeMachine(g)
			defer m.Close()
			if err := m.RunAll(); err != nil {
				t.Fatal(err)
			}
			assertClose(t, "y", f64s(t, y.Value()), naiveConv(c, x.Float64s(), w.Float64s()), 1e-12, 1e-12)
		})
	}
}

// TestConv2DMatchesStock compares forward and both gradients with gorgonia.Conv2d on shapes
// where SAME padding is symmetric.
func TestConv2DMatchesStock(t *testing.T) {
	cases := []convCase{
		{2, 3, 8, 8, 4, 3, 3, 1},
		{2, 4, 9, 9, 3, 3, 3, 2},
		{1, 2, 9, 7, 3, 5, 3, 2},
		{2, 3, 6, 6, 5, 1, 1, 1},
		// Stride 2 on a wide, odd-sized input: output rows of 17.
		{2, 3, 17, 33, 4, 3, 3, 2},
	}
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		for _, c := range cases {
			t.Run(dt.String()+"_"+c.String(), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(5, 6))
				vals := []*tensor.Dense{
					randDense(rng, dt, c.b, c.ci, c.h, c.w),
					randDense(rng, dt, c.co, c.ci, c.kh, c.kw),
				}
				ours := runGrads(t, 11, vals, convBuild(c))
				stock := runGrads(t, 11, vals, func(g *gorgonia.ExprGraph, in []*gorgonia.Node) *gorgonia.Node {
					y, err := gorgonia.Conv2d(in[0], in[1], tensor.Shape{c.kh, c.kw}, []int{(c.kh - 1) / 2, (c.kw - 1) / 2}, []int{c.s, c.s}, []int{1, 1})
					if err != nil {
						t.Fatal(err)
					}
					return y
				})
				tol := 1e-10
				if dt == tensor.Float32 {
					tol = 1e-4
				}
				assertClose(t, "cost", []float64{ours.cost}, []float64{stock.cost}, tol, tol)
				assertClose(t, "dx", ours.grads[0], stock.grads[0], tol, tol)
				assertClose(t, "dw", ours.grads[1], stock.grads[1], tol, tol)
			})
		}
	}
}

func TestConv2DNoInputGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	g := gorgonia.NewGraph()
	x := input(g, "x", randDense(rng, tensor.Float64, 2, 3, 5, 5))
	w := input(g, "w", randDense(rng, tensor.Float64, 4, 3, 3, 3))
	y, err := Conv2D(x, w, ConvConfig{NoInputGrad: true})
	if err != nil {
		t.Fatal(err)
	}
	cost := weightedSum(t, rng, y)
	if _, err := gorgonia.Grad(cost, w); err != nil {
		t.Fatalf("grad: %v", err)
	}
	for _, n := range g.AllNodes() {
		if n.Op() != nil && strings.HasPrefix(n.Op().String(), "GradInput") {
			t.Errorf("graph has a grad-input node %v although NoInputGrad is set", n)
		}
	}
	m := gorgonia.NewTapeMachine(g, gorgonia.BindDualValues(w))
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	if gv, err := w.Grad(); err != nil || gv == nil {
		t.Fatalf("weight gradient missing: %v", err)
	}
}

func TestConv2DRejectsBadInput(t *testing.T) {
	cases := []struct {
		name   string
		xs, ws []int
		stride int
		want   error
	}{
		{"even filter", []int{1, 2, 5, 5}, []int{3, 2, 2, 3}, 1, ErrShape},
		{"channel mismatch", []int{1, 2, 5, 5}, []int{3, 4, 3, 3}, 1, ErrShape},
		{"stride 3", []int{1, 2, 5, 5}, []int{3, 2, 3, 3}, 3, ErrConfig},
		{"negative stride", []int{1, 2, 5, 5}, []int{3, 2, 3, 3}, -2, ErrConfig},
		{"3-D input", []int{2, 5, 5}, []int{3, 2, 3, 3}, 1, ErrShape},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := gorgonia.NewGraph()
			x := gorgonia.NewTensor(g, tensor.Float32, len(c.xs), gorgonia.WithShape(c.xs...), gorgonia.WithName("x"))
			w := gorgonia.NewTensor(g, tensor.Float32, len(c.ws), gorgonia.WithShape(c.ws...), gorgonia.WithName("w"))
			if _, err := Conv2D(x, w, ConvConfig{Stride: c.stride}); !errors.Is(err, c.want) {
				t.Errorf("error %v, want %v", err, c.want)
			}
		})
	}
}

func TestSamePadding(t *testing.T) {
	cases := []struct{ in, k, s, out, padTop int }{
		{32, 3, 1, 32, 1}, {32, 3, 2, 16, 0}, {33, 3, 2, 17, 1}, {5, 5, 4, 2, 2}, {7, 1, 2, 4, 0}, {1, 7, 1, 1, 3}, {6, 5, 4, 2, 1},
	}
	for _, c := range cases {
		g, err := newConvGeom(1, 1, c.in, c.in, 1, c.k, c.k, c.s)
		if err != nil {
			t.Fatal(err)
		}
		if g.Ho != c.out || g.PadT != c.padTop || g.Wo != c.out || g.PadL != c.padTop {
			t.Errorf("in %d k %d s %d: out %d pad top %d, want %d and %d", c.in, c.k, c.s, g.Ho, g.PadT, c.out, c.padTop)
		}
	}
}

// TestConv2DColCache: the weight gradient from the forward pass's cached column matrices equals
// the one that recomputes them (the path of convolutions over the cache budget).
func TestConv2DColCache(t *testing.T) {
	for _, c := range []convCase{{3, 2, 6, 7, 3, 3, 5, 2}, {2, 3, 5, 5, 4, 3, 3, 1}} {
		t.Run(c.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(8, 8))
			vals := []*tensor.Dense{randDense(rng, tensor.Float32, c.b, c.ci, c.h, c.w), randDense(rng, tensor.Float32, c.co, c.ci, c.kh, c.kw)}
			cached := runGrads(t, 3, vals, convBuild(c))
			defer func(v int64) { maxColCache = v }(maxColCache)
			maxColCache = 0
			recomputed := runGrads(t, 3, vals, convBuild(c))
			assertClose(t, "dw", cached.grads[1], recomputed.grads[1], 0, 0)
			assertClose(t, "dx", cached.grads[0], recomputed.grads[0], 0, 0)
		})
	}
}
