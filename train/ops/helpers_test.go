package ops

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// randDense returns a tensor of the given dtype and shape with values uniform in [-1,1).
func randDense(rng *rand.Rand, dt tensor.Dtype, shape ...int) *tensor.Dense {
	n := tensor.Shape(shape).TotalSize()
	if dt == tensor.Float32 {
		b := make([]float32, n)
		for i := range b {
			b[i] = float32(rng.Float64()*2 - 1)
		}
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(b))
	}
	b := make([]float64, n)
	for i := range b {
		b[i] = rng.Float64()*2 - 1
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(b))
}

// input adds a named input node holding v.
func input(g *gorgonia.ExprGraph, name string, v *tensor.Dense) *gorgonia.Node {
	return gorgonia.NewTensor(g, v.Dtype(), v.Dims(), gorgonia.WithShape(v.Shape()...), gorgonia.WithName(name), gorgonia.WithValue(v))
}

// weightedSum returns Σ out⊙r for a fixed random r, a scalar cost whose gradient w.r.t. out is r.
func weightedSum(t *testing.T, rng *rand.Rand, out *gorgonia.Node) *gorgonia.Node {
	t.Helper()
	r := gorgonia.NewConstant(randDense(rng, out.Dtype(), out.Shape()...), gorgonia.WithName("r"))
	prod, err := gorgonia.HadamardProd(out, r)
	if err != nil {
		t.Fatalf("hadamard: %v", err)
	}
	s, err := gorgonia.Sum(prod)
	if err != nil {
		t.Fatalf("sum: %v", err)
	}
	return s
}

// f64s returns a copy of a float32 or float64 value as float64s.
func f64s(t *testing.T, v gorgonia.Value) []float64 {
	t.Helper()
	switch d := v.Data().(type) {
	case []float64:
		return append([]float64(nil), d...)
	case []float32:
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out
	case float64:
		return []float64{d}
	case float32:
		return []float64{float64(d)}
	}
	t.Fatalf("value of type %T", v.Data())
	return nil
}

// assertClose fails when |got−want| > atol + rtol·|want| anywhere.
func assertClose(t *testing.T, what string, got, want []float64, atol, rtol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	bad := 0
	for i := range got {
		if d := math.Abs(got[i] - want[i]); !(d <= atol+rtol*math.Abs(want[i])) {
			if bad < 5 {
				t.Errorf("%s[%d] = %.9g, want %.9g (diff %.3g)", what, i, got[i], want[i], d)
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d values differ", what, bad, len(got))
	}
}

// gradResult is a scalar cost and the gradients of every input after one RunAll.
type gradResult struct {
	cost  float64
	grads [][]float64
}

// runGrads builds build(inputs) → weighted-sum cost, differentiates it with gorgonia.Grad, runs it
// once on a TapeMachine and returns the cost and the gradients. The cost's random weights depend
// only on seed, so two builds with the same seed and output shape see the same cost function.
func runGrads(t *testing.T, seed uint64, vals []*tensor.Dense, build func(g *gorgonia.ExprGraph, in []*gorgonia.Node) *gorgonia.Node) gradResult {
	t.Helper()
	g := gorgonia.NewGraph()
	in := make([]*gorgonia.Node, len(vals))
	for i, v := range vals {
		in[i] = input(g, string(rune('a'+i)), v.Clone().(*tensor.Dense))
	}
	cost := weightedSum(t, rand.New(rand.NewPCG(seed, 99)), build(g, in))
	if _, err := gorgonia.Grad(cost, in...); err != nil {
		t.Fatalf("grad: %v", err)
	}
	m := gorgonia.NewTapeMachine(g, gorgonia.BindDualValues(in...))
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatalf("run: %v", err)
	}
	res := gradResult{cost: f64s(t, cost.Value())[0]}
	for _, n := range in {
		gv, err := n.Grad()
		if err != nil {
			t.Fatalf("grad of %s: %v", n.Name(), err)
		}
		res.grads = append(res.grads, f64s(t, gv))
	}
	return res
}

// checkFiniteDiff compares the analytic gradients of a float64 graph with central differences on
// up to probes elements of each input (in inputs listed in which).
func checkFiniteDiff(t *testing.T, vals []*tensor.Dense, which []int, probes int, build func(g *gorgonia.ExprGraph, in []*gorgonia.Node) *gorgonia.Node) {
	t.Helper()
	const seed, h = 7, 1e-6
	an := runGrads(t, seed, vals, build)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, k := range which {
		data := vals[k].Data().([]float64)
		idx := rng.Perm(len(data))
		if len(idx) > probes {
			idx = idx[:probes]
		}
		for _, i := range idx {
			orig := data[i]
			data[i] = orig + h
			up := runGrads(t, seed, vals, build).cost
			data[i] = orig - h
			down := runGrads(t, seed, vals, build).cost
			data[i] = orig
			num := (up - down) / (2 * h)
			if got := an.grads[k][i]; math.Abs(got-num) > 1e-6+1e-5*math.Abs(num) {
				t.Errorf("input %d element %d: analytic gradient %.9g, finite difference %.9g", k, i, got, num)
			}
		}
	}
}
