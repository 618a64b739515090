package ops

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// smallNet builds conv → BN-ReLU → conv stride 2 → (+ resized skip) → BN-ReLU → GAP with its
// backward pass driven by a fixed output gradient, entirely from this package's ops.
func smallNet(t testing.TB, b int) (*gorgonia.ExprGraph, gorgonia.Nodes) {
	rng := rand.New(rand.NewPCG(1, 1))
	g := gorgonia.NewGraph()
	f32 := tensor.Float32
	x := input(g, "x", randDense(rng, f32, b, 3, 32, 32))
	w1 := input(g, "w1", randDense(rng, f32, 16, 3, 3, 3))
	w2 := input(g, "w2", randDense(rng, f32, 32, 16, 3, 3))
	g1, b1 := input(g, "g1", randDense(rng, f32, 16)), input(g, "b1", randDense(rng, f32, 16))
	g2, b2 := input(g, "g2", randDense(rng, f32, 32)), input(g, "b2", randDense(rng, f32, 32))
	must := func(n *gorgonia.Node, err error) *gorgonia.Node {
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	h1 := must(Conv2D(x, w1, ConvConfig{NoInputGrad: true}))
	a1, _, err := BNReLU(h1, g1, b1, BNConfig{})
	if err != nil {
		t.Fatal(err)
	}
	h2 := must(Conv2D(a1, w2, ConvConfig{Stride: 2}))
	sum := must(gorgonia.Add(h2, must(ResizePad(a1, 32, 16, 16))))
	a2, _, err := BNReLU(sum, g2, b2, BNConfig{})
	if err != nil {
		t.Fatal(err)
	}
	out := must(GlobalAvgPool(a2))
	dy := input(g, "dy", randDense(rng, f32, b, 32))
	wrt := gorgonia.Nodes{w1, w2, g1, b1, g2, b2}
	if _, err := gorgonia.Backpropagate(gorgonia.Nodes{out}, gorgonia.Nodes{dy}, wrt); err != nil {
		t.Fatal(err)
	}
	return g, wrt
}

// TestStepAllocations runs the small net on a TapeMachine for many RunAll/Reset cycles and checks
// that a step allocates only small headers, not activation-sized buffers.
func TestStepAllocations(t *testing.T) {
	const b = 16
	g, wrt := smallNet(t, b)
	m := gorgonia.NewTapeMachine(g, gorgonia.BindDualValues(wrt...))
	defer m.Close()
	step := func() {
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		m.Reset()
	}
	for i := 0; i < 3; i++ {
		step()
	}
	const steps = 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := 0; i < steps; i++ {
		step()
	}
	runtime.ReadMemStats(&after)
	bytes := (after.TotalAlloc - before.TotalAlloc) / steps
	mallocs := (after.Mallocs - before.Mallocs) / steps
	activation := uint64(b * 16 * 32 * 32 * 4) // one float32 activation of the first layer
	t.Logf("per step: %d bytes in %d allocations (one activation is %d bytes)", bytes, mallocs, activation)
	// Stock gorgonia allocates every activation and gradient afresh each step (tens of MB here);
	// with reused buffers only tensor headers, goroutines and gonum's sgemm bookkeeping remain.
	if limit := activation / 4; bytes > limit {
		t.Errorf("a step allocates %d bytes, want at most %d (a quarter of one activation)", bytes, limit)
	}
	if mallocs > 5000 {
		t.Errorf("a step makes %d allocations, want at most 5000", mallocs)
	}
}
