package ops

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func gapBuild(g *gorgonia.ExprGraph, in []*gorgonia.Node) *gorgonia.Node {
	y, err := GlobalAvgPool(in[0])
	if err != nil {
		panic(err)
	}
	return y
}

func TestGlobalAvgPoolGradFiniteDiff(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	checkFiniteDiff(t, []*tensor.Dense{randDense(rng, tensor.Float64, 2, 3, 4, 5)}, []int{0}, 20, gapBuild)
}

// TestGlobalAvgPoolMatchesStock compares with Reshape to (B,C,H·W) + Mean over axis 2.
func TestGlobalAvgPoolMatchesStock(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		t.Run(dt.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 3))
			vals := []*tensor.Dense{randDense(rng, dt, 3, 4, 5, 6)}
			ours := runGrads(t, 5, vals, gapBuild)
			stock := runGrads(t, 5, vals, func(g *gorgonia.ExprGraph, in []*gorgonia.Node) *gorgonia.Node {
				r, err := gorgonia.Reshape(in[0], tensor.Shape{3, 4, 30})
				if err != nil {
					t.Fatal(err)
				}
				y, err := gorgonia.Mean(r, 2)
				if err != nil {
					t.Fatal(err)
				}
				return y
			})
			tol := 1e-12
			if dt == tensor.Float32 {
				tol = 1e-5
			}
			assertClose(t, "cost", []float64{ours.cost}, []float64{stock.cost}, tol, tol)
			assertClose(t, "dx", ours.grads[0], stock.grads[0], tol, tol)
		})
	}
}

type resizeCase struct{ b, ci, hi, wi, co, ho, wo int }

func (c resizeCase) String() string {
	return fmt.Sprintf("%dx%dx%dx%d_to_%dx%dx%d", c.b, c.ci, c.hi, c.wi, c.co, c.ho, c.wo)
}

var resizeCases = []resizeCase{
	{2, 3, 8, 8, 3, 4, 4},  // downsample ×2
	{2, 3, 8, 8, 5, 2, 2},  // downsample ×4, zero-pad channels
	{2, 5, 4, 4, 2, 8, 8},  // upsample ×2, truncate channels
	{1, 2, 5, 7, 3, 3, 4},  // odd sizes (ceil shapes of a stride-2 backbone)
	{2, 2, 7, 7, 3, 4, 4},  // 7 → 4: rows 0, 2, 4, 6 (not floor(o·7/4) = 0, 1, 3, 5)
	{1, 2, 9, 5, 2, 3, 2},  // ×4 and ×2 on odd sizes
	{2, 4, 6, 6, 4, 6, 6},  // identity
	{1, 3, 3, 2, 2, 12, 1}, // mixed up/down
}

func resizeBuild(c resizeCase) func(g *gorgonia.ExprGraph, in []*gorgonia.Node) *gorgonia.Node {
	return func(g *gorgonia.ExprGraph, in []*gorgonia.Node) *gorgonia.Node {
		y, err := ResizePad(in[0], c.co, c.ho, c.wo)
		if err != nil {
			panic(err)
		}
		return y
	}
}

func TestResizePadGradFiniteDiff(t *testing.T) {
	for _, c := range resizeCases {
		t.Run(c.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(6, 6))
			checkFiniteDiff(t, []*tensor.Dense{randDense(rng, tensor.Float64, c.b, c.ci, c.hi, c.wi)}, []int{0}, 20, resizeBuild(c))
		})
	}
}

// TestResizePadMatchesNaive compares forward and backward with direct loops over the definition.
func TestResizePadMatchesNaive(t *testing.T) {
	for _, c := range resizeCases {
		t.Run(c.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, 7))
			x := randDense(rng, tensor.Float64, c.b, c.ci, c.hi, c.wi)
			dy := randDense(rng, tensor.Float64, c.b, c.co, c.ho, c.wo)
			g := gorgonia.NewGraph()
			xn := input(g, "x", x)
			y, err := ResizePad(xn, c.co, c.ho, c.wo)
			if err != nil {
				t.Fatal(err)
			}
			dyn := input(g, "dy", dy)
			grads, err := gorgonia.Backpropagate(gorgonia.Nodes{y}, gorgonia.Nodes{dyn}, gorgonia.Nodes{xn})
			if err != nil {
				t.Fatal(err)
			}
			var yv, dxv gorgonia.Value
			gorgonia.Read(y, &yv)
			gorgonia.Read(grads[0], &dxv)
			m := gorgonia.NewTapeMachine(g)
			defer m.Close()
			if err := m.RunAll(); err != nil {
				t.Fatal(err)
			}
			xs, dys := x.Float64s(), dy.Float64s()
			wantY := make([]float64, c.b*c.co*c.ho*c.wo)
			wantDx := make([]float64, len(xs))
			for b := 0; b < c.b; b++ {
				for ch := 0; ch < min(c.ci, c.co); ch++ {
					for oh := 0; oh < c.ho; oh++ {
						for ow := 0; ow < c.wo; ow++ {
							ih, iw := naiveSource(oh, c.hi, c.ho), naiveSource(ow, c.wi, c.wo)
							src := ((b*c.ci+ch)*c.hi+ih)*c.wi + iw
							dst := ((b*c.co+ch)*c.ho+oh)*c.wo + ow
							wantY[dst] = xs[src]
							wantDx[src] += dys[dst]
						}
					}
				}
			}
			assertClose(t, "y", f64s(t, yv), wantY, 0, 0)
			assertClose(t, "dx", f64s(t, dxv), wantDx, 1e-12, 1e-12)
		})
	}
}

// naiveSource is the source row of output row o when resizing in rows to out: o·f for the smallest
// power of two f with ceil(in/f) = out (by search), else floor(o·in/out).
func naiveSource(o, in, out int) int {
	for f := 1; f <= 2*in; f *= 2 {
		if (in+f-1)/f == out {
			return o * f
		}
	}
	return o * in / out
}

// TestResizePadSevenToFour pins the rule on the case where it differs from floor(o·in/out).
func TestResizePadSevenToFour(t *testing.T) {
	if got, want := Nearest(7, 4), []int{0, 2, 4, 6}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Nearest(7, 4) = %v, want %v", got, want)
	}
	if got, want := Nearest(9, 3), []int{0, 4, 8}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Nearest(9, 3) = %v, want %v", got, want)
	}
	if got, want := Nearest(3, 6), []int{0, 0, 1, 1, 2, 2}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Nearest(3, 6) = %v, want %v", got, want)
	}
}
