package train

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"evo/genome"
)

// One test per gorgonia trap (Gorgonia traps in the package doc): each shows the trap in stock
// gorgonia (so that the test notices when an upgrade fixes or changes it) and that this package
// avoids it.

func randTensor(rng *rand.Rand, shape ...int) *tensor.Dense {
	n := 1
	for _, d := range shape {
		n *= d
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v))
}

// wantGAP is the global average pool of x (B, C, H, W) computed by hand.
func wantGAP(x *tensor.Dense) []float64 {
	s, d := x.Shape(), x.Data().([]float64)
	hw := s[2] * s[3]
	out := make([]float64, s[0]*s[1])
	for i := range out {
		for j := range hw {
			out[i] += d[i*hw+j]
		}
		out[i] /= float64(hw)
	}
	return out
}

// Trap 1: Mean over two axes is silently wrong; stockOps.gap reshapes and reduces one axis.
func TestTrap1MeanOverTwoAxes(t *testing.T) {
	xv := randTensor(rand.New(rand.NewPCG(1, 0)), 2, 3, 4, 5)
	want := wantGAP(xv)
	run := func(f func(*G.Node) (*G.Node, error)) []float64 {
		g := G.NewGraph()
		x := G.NewTensor(g, tensor.Float64, 4, G.WithShape(2, 3, 4, 5), G.WithName("x"), G.WithValue(xv))
		y, err := f(x)
		if err != nil {
			t.Fatal(err)
		}
		var v G.Value
		G.Read(y, &v)
		m := G.NewTapeMachine(g)
		defer m.Close()
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		return v.(tensor.Tensor).Data().([]float64)
	}
	stock := run(func(x *G.Node) (*G.Node, error) { return G.Mean(x, 2, 3) })
	if maxDiff(stock, want) < 1e-6 {
		t.Logf("stock Mean(x, 2, 3) is right in this gorgonia version: trap 1 may be fixed")
	} else {
		t.Logf("stock Mean(x, 2, 3) off by %.3g (trap 1 present)", maxDiff(stock, want))
	}
	if d := maxDiff(run(stockOps{}.gap), want); d > 1e-12 {
		t.Fatalf("stockOps.gap off by %v", d)
	}
}

func maxDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	m := 0.0
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

// Trap 2: GlobalAveragePool2D has no gradient; stockOps.gap has one (checked numerically by
// TestGradientFiniteDifferences).
func TestTrap2GlobalAveragePoolGradient(t *testing.T) {
	grad := func(f func(*G.Node) (*G.Node, error)) (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		g := G.NewGraph()
		x := G.NewTensor(g, tensor.Float64, 4, G.WithShape(2, 3, 4, 4), G.WithName("x"), G.WithInit(G.GlorotN(1)))
		y, err := f(x)
		if err != nil {
			return err
		}
		flat, err := G.Reshape(y, tensor.Shape{6})
		if err != nil {
			return err
		}
		s, err := G.Sum(flat)
		if err != nil {
			return err
		}
		_, err = G.Grad(s, x)
		return err
	}
	if err := grad(G.GlobalAveragePool2D); err == nil {
		t.Logf("stock GlobalAveragePool2D now differentiates: trap 2 may be fixed")
	} else {
		t.Logf("stock GlobalAveragePool2D: %v (trap 2 present)", err)
	}
	if err := grad(stockOps{}.gap); err != nil {
		t.Fatalf("stockOps.gap has no gradient: %v", err)
	}
}

// Trap 3: the Momentum solver's L2 option decays the velocity, not the weights: with a zero
// gradient the weights never move. Ours moves them by −lr·λ·w on the first step, as PyTorch.
func TestTrap3WeightDecay(t *testing.T) {
	const lr, wd = 0.1, 0.01
	g := G.NewGraph()
	wv := tensor.New(tensor.WithShape(3), tensor.WithBacking([]float64{1, -2, 3}))
	w := G.NewTensor(g, tensor.Float64, 1, G.WithShape(3), G.WithName("w"), G.WithValue(wv))
	zero := G.NewConstant(0.0, G.WithName("zero"))
	p, _ := G.Mul(w, zero)
	flat, _ := G.Sum(p)
	if _, err := G.Grad(flat, w); err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(g, G.BindDualValues(w))
	defer m.Close()
	solver := G.NewMomentum(G.WithLearnRate(lr), G.WithMomentum(0.9), G.WithL2Reg(wd))
	for range 3 {
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		if err := solver.Step(G.NodesToValueGrads(G.Nodes{w})); err != nil {
			t.Fatal(err)
		}
		m.Reset()
	}
	if got := wv.Data().([]float64); got[0] == 1 && got[1] == -2 && got[2] == 3 {
		t.Logf("stock Momentum+WithL2Reg left the weights at %v after 3 steps (trap 3 present)", got)
	} else {
		t.Logf("stock Momentum+WithL2Reg moved the weights to %v: trap 3 may be fixed", got)
	}

	// Ours, on a real parameter: zero gradient, so w ← w − lr·λ·w exactly (PyTorch's SGD), then
	// with momentum the second step moves by lr·(0.9·v + λ·w).
	gn := buildGenome(t, genome.Shape{H: 2, W: 2, C: 1}, 2, lr, []layer{{ch: 1, act: genome.Linear}}, nil)
	mm, err := buildModel(gn, buildSpec{batch: 1, dtype: tensor.Float64, training: true, bnDecay: 0.9, bnEps: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	defer mm.close()
	if err := mm.setState(randomState(t, gn, 1)); err != nil {
		t.Fatal(err)
	}
	x, y := randomBatch(gn, 1, 1)
	mm.setBatch(x, y)
	if _, err := mm.run(); err != nil {
		t.Fatal(err)
	}
	if err := mm.zeroGrads(); err != nil { // a zero gradient isolates the decay term
		t.Fatal(err)
	}
	p0 := mm.params[0]
	w0 := p0.value.Data().([]float64)
	w0[0] = 2
	opt := &sgd{lr: lr, momentum: 0.9, decay: wd}
	if err := opt.step(mm.params); err != nil {
		t.Fatal(err)
	}
	v1 := wd * 2.0
	w1 := 2 - lr*v1
	if w0[0] != w1 {
		t.Fatalf("after one step w = %v, want %v", w0[0], w1)
	}
	if err := opt.step(mm.params); err != nil {
		t.Fatal(err)
	}
	if want := w1 - lr*(0.9*v1+wd*w1); math.Abs(w0[0]-want) > 1e-15 {
		t.Fatalf("after two steps w = %v, want %v", w0[0], want)
	}
}

// Trap 4: nodes are identified by a 32-bit hash; two different input nodes whose names collide
// are merged by the tape compiler, silently. checkHashes finds such a pair.
func TestTrap4HashCollision(t *testing.T) {
	a, b := collidingNames(t)
	g := G.NewGraph()
	x := G.NewScalar(g, tensor.Float64, G.WithName(a), G.WithValue(1.0))
	y := G.NewScalar(g, tensor.Float64, G.WithName(b), G.WithValue(2.0))
	if x.Hashcode() != y.Hashcode() {
		t.Fatalf("names %q and %q do not collide", a, b)
	}
	d, err := G.Sub(x, y)
	if err != nil {
		t.Fatal(err)
	}
	var v G.Value
	G.Read(d, &v)
	m := G.NewTapeMachine(g)
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Logf("stock gorgonia fails on the collision: %v", err)
	} else if got := scalar(v); got != -1 {
		t.Logf("stock gorgonia computes 1 − 2 = %v with colliding names (trap 4 present)", got)
	} else {
		t.Logf("stock gorgonia survived this collision")
	}
	if err := checkHashes(g); err == nil {
		t.Fatal("checkHashes missed the collision")
	} else {
		t.Logf("detected: %v", err)
	}
	// And no false alarm on a real network.
	mm, err := buildModel(fullNet(t, 0.1), buildSpec{batch: 2, dtype: tensor.Float32, training: true, bnDecay: 0.9, bnEps: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	mm.close()
}

// collidingNames finds two scalar input-node names with equal gorgonia hashes by a birthday
// search on FNV-1a over the node's hash input (type, shape, name, child count).
func collidingNames(t *testing.T) (string, string) {
	g := G.NewGraph()
	probe := G.NewScalar(g, tensor.Float64, G.WithName("probe"))
	prefix := fmt.Sprintf("%v%v", probe.Type(), probe.Shape())
	hash := func(name string) uint32 {
		h := fnv.New32a()
		h.Write([]byte(prefix + name + "\x00"))
		return h.Sum32()
	}
	if hash("probe") != probe.Hashcode() {
		t.Fatalf("cannot reproduce gorgonia's node hash (prefix %q)", prefix)
	}
	seen := make(map[uint32]string, 1<<18)
	for i := 0; ; i++ {
		name := fmt.Sprintf("n%d", i)
		h := hash(name)
		if o, ok := seen[h]; ok {
			return o, name
		}
		seen[h] = name
	}
}

// Trap 5: gradients accumulate across runs until cleared, and switching a batch-norm op back
// to training mode wipes its running statistics. sgd.step clears the gradients; the evaluator is
// a separate graph, so the training ops' statistics survive evaluation.
func TestTrap5StateAcrossRuns(t *testing.T) {
	gn := buildGenome(t, genome.Shape{H: 4, W: 4, C: 1}, 2, 0.1, []layer{conv3(2, genome.BNReLU)}, nil)
	m, err := buildModel(gn, buildSpec{batch: 3, dtype: tensor.Float64, training: true, bnDecay: 0.9, bnEps: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	defer m.close()
	st := randomState(t, gn, 1)
	if err := m.setState(st); err != nil {
		t.Fatal(err)
	}
	x, y := randomBatch(gn, 3, 2)
	m.setBatch(x, y)
	grad := func() []float64 {
		g, _ := m.params[0].node.Grad()
		return append([]float64(nil), g.(tensor.Tensor).Data().([]float64)...)
	}
	if _, err := m.run(); err != nil {
		t.Fatal(err)
	}
	g1 := grad()
	if _, err := m.run(); err != nil {
		t.Fatal(err)
	}
	g2 := grad()
	if math.Abs(g2[0]-2*g1[0]) > 1e-9*math.Abs(g1[0]) || g1[0] == 0 {
		t.Fatalf("two runs without clearing: gradient %v then %v, expected it to double (trap 5)", g1[0], g2[0])
	}
	opt := &sgd{lr: 0, momentum: 0.9, decay: 0}
	if err := opt.step(m.params); err != nil {
		t.Fatal(err)
	}
	if _, err := m.run(); err != nil {
		t.Fatal(err)
	}
	if g3 := grad(); math.Abs(g3[0]-g1[0]) > 1e-12 {
		t.Fatalf("after sgd.step the next run's gradient is %v, want %v: gradients not cleared", g3[0], g1[0])
	}

	// Running statistics: evaluation must not disturb the training ops.
	before := m.state()
	e, err := newEvaluator(gn, before, 3, 0.9, 1e-3)
	if err != nil {
		t.Fatal(err)
	}
	defer e.m.close()
	e.m.setBatch(x, y)
	if _, err := e.m.run(); err != nil {
		t.Fatal(err)
	}
	after := m.state()
	v := genome.TensorID(gn.Vertices[1].ID, genome.BNVar)
	if !slicesEqual(before[v].Data, after[v].Data) {
		t.Fatal("evaluation changed the training model's running statistics")
	}
	// Our batch-norm op keeps them across a mode switch.
	_ = m.stats[0].setTraining(false)
	_ = m.stats[0].setTraining(true)
	if kept := m.state()[v].Data; !slicesEqual(kept, before[v].Data) {
		t.Fatalf("switching modes changed the running variance %v → %v", before[v].Data, kept)
	}
	// Stock behaviour: SetTraining(true) resets them.
	ms, err := buildModel(gn, buildSpec{batch: 3, dtype: tensor.Float64, training: true, bnDecay: 0.9, bnEps: 1e-3, blocks: stockOps{}})
	if err != nil {
		t.Fatal(err)
	}
	defer ms.close()
	if err := ms.setState(before); err != nil {
		t.Fatal(err)
	}
	_ = ms.stats[0].setTraining(false)
	_ = ms.stats[0].setTraining(true)
	if wiped := ms.state()[v].Data; slicesEqual(wiped, before[v].Data) {
		t.Logf("SetTraining(true) kept the running statistics: trap 5 may be fixed")
	} else {
		t.Logf("SetTraining(true) wiped the running variance %v → %v (trap 5 present)", before[v].Data, wiped)
	}
}

func slicesEqual(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
