package ops

import (
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func denseBuild(g *gorgonia.ExprGraph, in []*gorgonia.Node) *gorgonia.Node {
	y, err := Dense(in[0], in[1], in[2])
	if err != nil {
		panic(err)
	}
	return y
}

func TestDenseGradFiniteDiff(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	vals := []*tensor.Dense{randDense(rng, tensor.Float64, 5, 4), randDense(rng, tensor.Float64, 4, 3), randDense(rng, tensor.Float64, 3)}
	checkFiniteDiff(t, vals, []int{0, 1, 2}, 20, denseBuild)
}

// TestDenseMatchesStock compares with the stock Mul + BroadcastAdd (stockOps.dense in
// train/stockops_test.go).
func TestDenseMatchesStock(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		t.Run(dt.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(10, 10))
			vals := []*tensor.Dense{randDense(rng, dt, 7, 6), randDense(rng, dt, 6, 5), randDense(rng, dt, 5)}
			ours := runGrads(t, 11, vals, denseBuild)
			stock := runGrads(t, 11, vals, func(g *gorgonia.ExprGraph, in []*gorgonia.Node) *gorgonia.Node {
				y, err := gorgonia.Mul(in[0], in[1])
				if err != nil {
					t.Fatal(err)
				}
				if y, err = gorgonia.BroadcastAdd(y, in[2], nil, []byte{0}); err != nil {
					t.Fatal(err)
				}
				return y
			})
			tol := 1e-12
			if dt == tensor.Float32 {
				tol = 1e-5
			}
			assertClose(t, "cost", []float64{ours.cost}, []float64{stock.cost}, tol, tol)
			for i, name := range []string{"dx", "dw", "db"} {
				assertClose(t, name, ours.grads[i], stock.grads[i], tol, tol)
			}
		})
	}
}
