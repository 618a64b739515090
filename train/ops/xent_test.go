package ops

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// xentRun builds cost = build(z, y), differentiates it with respect to z, runs it once and
// returns the cost and dcost/dz.
func xentRun(t *testing.T, z, y *tensor.Dense, build func(z, y *gorgonia.Node) (*gorgonia.Node, error)) (float64, []float64) {
	t.Helper()
	g := gorgonia.NewGraph()
	zn := input(g, "z", z.Clone().(*tensor.Dense))
	yn := input(g, "y", y)
	cost, err := build(zn, yn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gorgonia.Grad(cost, zn); err != nil {
		t.Fatal(err)
	}
	var cv gorgonia.Value
	gorgonia.Read(cost, &cv)
	m := gorgonia.NewTapeMachine(g, gorgonia.BindDualValues(zn))
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	dz, err := zn.Grad()
	if err != nil {
		t.Fatal(err)
	}
	return f64s(t, cv)[0], f64s(t, dz)
}

// stockXent is the stock composition SoftmaxXent replaces (stockOps.xent in
// train/stockops_test.go).
func stockXent(z, y *gorgonia.Node) (*gorgonia.Node, error) {
	lsm, err := gorgonia.LogSoftMax(z)
	if err != nil {
		return nil, err
	}
	p, err := gorgonia.HadamardProd(lsm, y)
	if err != nil {
		return nil, err
	}
	flat, err := gorgonia.Reshape(p, tensor.Shape{p.Shape().TotalSize()})
	if err != nil {
		return nil, err
	}
	s, err := gorgonia.Sum(flat)
	if err != nil {
		return nil, err
	}
	b := float64(z.Shape()[0])
	var k *gorgonia.Node
	if z.Dtype() == tensor.Float32 {
		k = gorgonia.NewConstant(float32(-1 / b))
	} else {
		k = gorgonia.NewConstant(-1 / b)
	}
	return gorgonia.Mul(s, k)
}

func oneHot(rng *rand.Rand, dt tensor.Dtype, b, k int) *tensor.Dense {
	y := tensor.New(tensor.Of(dt), tensor.WithShape(b, k))
	for i := range b {
		if dt == tensor.Float32 {
			y.Data().([]float32)[i*k+rng.IntN(k)] = 1
		} else {
			y.Data().([]float64)[i*k+rng.IntN(k)] = 1
		}
	}
	return y
}

func TestSoftmaxXentMatchesStock(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		t.Run(dt.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(4, 4))
			z := randDense(rng, dt, 7, 5)
			y := oneHot(rng, dt, 7, 5)
			l1, d1 := xentRun(t, z, y, SoftmaxXent)
			l2, d2 := xentRun(t, z, y, stockXent)
			tol := 1e-12
			if dt == tensor.Float32 {
				tol = 1e-6
			}
			assertClose(t, "loss", []float64{l1}, []float64{l2}, tol, tol)
			assertClose(t, "dz", d1, d2, tol, tol)
		})
	}
}

func TestSoftmaxXentGradFiniteDiff(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	z := randDense(rng, tensor.Float64, 4, 6)
	y := oneHot(rng, tensor.Float64, 4, 6)
	// Soft targets too: the gradient is softmax·Σy − y.
	y.Data().([]float64)[1] += 0.5
	_, an := xentRun(t, z, y, SoftmaxXent)
	const h = 1e-6
	data := z.Data().([]float64)
	for i := range data {
		orig := data[i]
		data[i] = orig + h
		up, _ := xentRun(t, z, y, SoftmaxXent)
		data[i] = orig - h
		down, _ := xentRun(t, z, y, SoftmaxXent)
		data[i] = orig
		if num := (up - down) / (2 * h); math.Abs(an[i]-num) > 1e-8 {
			t.Errorf("dz[%d] = %v, finite difference %v", i, an[i], num)
		}
	}
}
