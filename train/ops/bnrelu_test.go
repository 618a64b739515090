package ops

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func bnBuild(cfg BNConfig) func(g *gorgonia.ExprGraph, in []*gorgonia.Node) *gorgonia.Node {
	return func(g *gorgonia.ExprGraph, in []*gorgonia.Node) *gorgonia.Node {
		y, _, err := BNReLU(in[0], in[1], in[2], cfg)
		if err != nil {
			panic(err)
		}
		return y
	}
}

func TestBNReLUGradFiniteDiff(t *testing.T) {
	for _, s := range [][4]int{{4, 3, 3, 3}, {2, 2, 1, 5}, {5, 3, 1, 1}} {
		rng := rand.New(rand.NewPCG(8, uint64(s[0])))
		vals := []*tensor.Dense{
			randDense(rng, tensor.Float64, s[:]...),
			randDense(rng, tensor.Float64, s[1]),
			randDense(rng, tensor.Float64, s[1]),
		}
		checkFiniteDiff(t, vals, []int{0, 1, 2}, 12, bnBuild(BNConfig{}))
	}
}

// TestBNReLUMatchesStock compares with gorgonia.BatchNorm (momentum 0.1 = decay 0.9) + Rectify.
func TestBNReLUMatchesStock(t *testing.T) {
	const eps = 1e-5
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		t.Run(dt.String(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(9, 9))
			b, c, h, w := 4, 3, 5, 4
			vals := []*tensor.Dense{
				randDense(rng, dt, b, c, h, w),
				randDense(rng, dt, c),
				randDense(rng, dt, c),
			}
			ours := runGrads(t, 3, vals, bnBuild(BNConfig{Epsilon: eps}))
			stock := runGrads(t, 3, vals, func(g *gorgonia.ExprGraph, in []*gorgonia.Node) *gorgonia.Node {
				gamma, err := gorgonia.Reshape(in[1], tensor.Shape{1, c, 1, 1})
				if err != nil {
					t.Fatal(err)
				}
				beta, err := gorgonia.Reshape(in[2], tensor.Shape{1, c, 1, 1})
				if err != nil {
					t.Fatal(err)
				}
				y, _, _, _, err := gorgonia.BatchNorm(in[0], gamma, beta, 0.1, eps)
				if err != nil {
					t.Fatal(err)
				}
				y, err = gorgonia.Rectify(y)
				if err != nil {
					t.Fatal(err)
				}
				return y
			})
			tol := 1e-9
			if dt == tensor.Float32 {
				tol = 2e-4
			}
			assertClose(t, "cost", []float64{ours.cost}, []float64{stock.cost}, tol, tol)
			for i, name := range []string{"dx", "dgamma", "dbeta"} {
				assertClose(t, name, ours.grads[i], stock.grads[i], tol, tol)
			}
		})
	}
}

// naiveMoments returns the per-channel mean and biased variance of x (B,C,HW).
func naiveMoments(x []float64, b, c, hw int) (mean, variance []float64) {
	mean, variance = make([]float64, c), make([]float64, c)
	n := float64(b * hw)
	for ch := 0; ch < c; ch++ {
		for i := 0; i < b; i++ {
			for _, v := range x[(i*c+ch)*hw : (i*c+ch+1)*hw] {
				mean[ch] += v / n
			}
		}
		for i := 0; i < b; i++ {
			for _, v := range x[(i*c+ch)*hw : (i*c+ch+1)*hw] {
				variance[ch] += (v - mean[ch]) * (v - mean[ch]) / n
			}
		}
	}
	return mean, variance
}

// TestBNReLURunningStats runs three training steps on different batches, checks the running
// statistics against the naive recurrence, then checks evaluation mode and that mode switches
// keep the statistics.
func TestBNReLURunningStats(t *testing.T) {
	const b, c, h, w, eps = 3, 2, 4, 4, 1e-3
	rng := rand.New(rand.NewPCG(4, 4))
	g := gorgonia.NewGraph()
	xv := randDense(rng, tensor.Float64, b, c, h, w)
	x := input(g, "x", xv)
	gamma := input(g, "gamma", randDense(rng, tensor.Float64, c))
	beta := input(g, "beta", randDense(rng, tensor.Float64, c))
	y, op, err := BNReLU(x, gamma, beta, BNConfig{Epsilon: eps})
	if err != nil {
		t.Fatal(err)
	}
	m := gorgonia.NewTapeMachine(g)
	defer m.Close()
	wantMean, wantVar := []float64{0, 0}, []float64{1, 1}
	n := float64(b * h * w)
	for step := 0; step < 3; step++ {
		xs := xv.Float64s()
		for i := range xs {
			xs[i] = rng.NormFloat64()*float64(step+1) + float64(step)
		}
		mean, variance := naiveMoments(xs, b, c, h*w)
		for ch := range wantMean {
			wantMean[ch] = 0.9*wantMean[ch] + 0.1*mean[ch]
			wantVar[ch] = 0.9*wantVar[ch] + 0.1*variance[ch]*n/(n-1)
		}
		if err := m.RunAll(); err != nil {
			t.Fatal(err)
		}
		m.Reset()
	}
	gotMean, gotVar := op.RunningStats()
	assertClose(t, "running mean", gotMean, wantMean, 1e-12, 1e-12)
	assertClose(t, "running var", gotVar, wantVar, 1e-12, 1e-12)

	if err := op.SetTraining(false); err != nil {
		t.Fatal(err)
	}
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	xs, gs, bs := xv.Float64s(), gamma.Value().Data().([]float64), beta.Value().Data().([]float64)
	want := make([]float64, len(xs))
	for i, v := range xs {
		ch := (i / (h * w)) % c
		want[i] = math.Max(0, gs[ch]*(v-wantMean[ch])/math.Sqrt(wantVar[ch]+eps)+bs[ch])
	}
	assertClose(t, "eval output", f64s(t, y.Value()), want, 1e-12, 1e-12)
	m.Reset()
	if err := op.SetTraining(true); err != nil {
		t.Fatal(err)
	}
	afterMean, afterVar := op.RunningStats()
	assertClose(t, "running mean after eval and switch back", afterMean, gotMean, 0, 0)
	assertClose(t, "running var after eval and switch back", afterVar, gotVar, 0, 0)
}

func TestBNReLUSetRunningStats(t *testing.T) {
	op := NewBNReLUOp(2, 3, 4, 4, BNConfig{})
	if err := op.SetRunningStats([]float64{1, 2, 3}, []float64{4, 5, 6}); err != nil {
		t.Fatal(err)
	}
	mean, variance := op.RunningStats()
	assertClose(t, "mean", mean, []float64{1, 2, 3}, 0, 0)
	assertClose(t, "var", variance, []float64{4, 5, 6}, 0, 0)
	mean[0] = 99 // a copy: the op must not change
	if m, _ := op.RunningStats(); m[0] != 1 {
		t.Errorf("RunningStats returned the op's own slice")
	}
	bad := []struct {
		name       string
		mean, vari []float64
		want       error
	}{
		{"short", []float64{1, 2}, []float64{1, 2, 3}, ErrShape},
		{"negative variance", []float64{1, 2, 3}, []float64{1, -2, 3}, ErrConfig},
		{"nan mean", []float64{1, math.NaN(), 3}, []float64{1, 2, 3}, ErrConfig},
	}
	for _, c := range bad {
		if err := op.SetRunningStats(c.mean, c.vari); !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.want)
		}
	}
}

func TestBNConfigValidate(t *testing.T) {
	for _, c := range []BNConfig{{Decay: 1}, {Decay: -0.1}, {Epsilon: -1}, {Decay: math.NaN()}} {
		if err := c.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: error %v, want ErrConfig", c, err)
		}
	}
	if err := (BNConfig{}).Validate(); err != nil {
		t.Errorf("zero config: %v", err)
	}
}

func TestPositive(t *testing.T) {
	for _, c := range []struct {
		m    float64
		want float64
	}{{1, 1}, {1e-300, 1}, {math.SmallestNonzeroFloat64, 1}, {0, 0}, {math.Copysign(0, -1), 0}, {-1e-300, 0}, {-3, 0}, {math.Inf(1), 1}, {math.Inf(-1), 0}} {
		if got := positive(c.m); got != c.want {
			t.Errorf("positive(float64 %g) = %g, want %g", c.m, got, c.want)
		}
		if got := positive(float32(c.m)); float64(got) != c.want && !(float32(c.m) == 0) {
			t.Errorf("positive(float32 %g) = %g, want %g", c.m, got, c.want)
		}
	}
	if positive(float32(math.SmallestNonzeroFloat32)) != 1 || positive(float32(-math.SmallestNonzeroFloat32)) != 0 {
		t.Errorf("positive on float32 subnormals")
	}
}

func TestScaleShiftReLU(t *testing.T) {
	cases := []struct{ in, want float64 }{
		{1.5, 1.5}, {-1.5, 0}, {0, 0}, {math.Copysign(0, -1), 0}, {math.Inf(1), math.Inf(1)}, {math.Inf(-1), 0},
		{math.SmallestNonzeroFloat64, math.SmallestNonzeroFloat64}, {-math.SmallestNonzeroFloat64, 0},
	}
	x64, y64 := make([]float64, len(cases)), make([]float64, len(cases))
	x32, y32 := make([]float32, len(cases)), make([]float32, len(cases))
	for i, c := range cases {
		x64[i], x32[i] = c.in, float32(c.in)
	}
	scaleShiftReLU(y64, x64, 1, 0)
	scaleShiftReLU(y32, x32, 1, 0)
	for i, c := range cases {
		if y64[i] != c.want || math.Signbit(y64[i]) {
			t.Errorf("float64 relu(%v) = %v, want %v", c.in, y64[i], c.want)
		}
		if y32[i] != float32(c.want) || math.Signbit(float64(y32[i])) {
			t.Errorf("float32 relu(%v) = %v, want %v", c.in, y32[i], float32(c.want))
		}
	}
	scaleShiftReLU(y64[:2], []float64{1, 2}, 2, -3) // 2·1−3 = −1 → 0, 2·2−3 = 1
	if y64[0] != 0 || y64[1] != 1 {
		t.Errorf("scale 2, shift −3: got %v, want [0 1]", y64[:2])
	}
}
