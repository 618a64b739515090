package genome

import (
	"math"
	"testing"
)

// chiSquare returns Σ (observed − expected)² / expected for equal expected counts.
func chiSquare(observed []int) float64 {
	total := 0
	for _, o := range observed {
		total += o
	}
	exp := float64(total) / float64(len(observed))
	x := 0.0
	for _, o := range observed {
		d := float64(o) - exp
		x += d * d / exp
	}
	return x
}

// Generous chi-square thresholds: far above the 99.999th percentile for the degrees of freedom
// used here (df 9: 37.3; df 10: 39.6), so a correct sampler with a fixed seed passes and a
// biased one (e.g. a linear instead of a log-uniform factor) fails by far.
const chiLimit = 60

func TestAlterLearningRateIsLogUniform(t *testing.T) {
	const n, bins = 20000, 10
	rng := newRand(1)
	g := fixture()
	hist := make([]int, bins)
	sum := 0.0
	for i := 0; i < n; i++ {
		c, _, err := AlterLearningRate(g, rng)
		if err != nil {
			t.Fatal(err)
		}
		f := c.LearningRate / g.LearningRate
		if f < 0.5 || f > 2 {
			t.Fatalf("factor %v outside [0.5, 2]", f)
		}
		l := math.Log2(f)
		sum += l
		hist[min(int((l+1)/2*bins), bins-1)]++
	}
	if mean := sum / n; math.Abs(mean) > 0.02 { // 5 standard errors (σ = 1/√3, n = 20,000)
		t.Errorf("mean log2 factor %v, want ≈ 0", mean)
	}
	if x := chiSquare(hist); x > chiLimit {
		t.Errorf("log2 factor not uniform: chi-square %.1f over %v", x, hist)
	}
}

func TestAlterChannelsRange(t *testing.T) {
	const n = 20000
	rng := newRand(2)
	for _, old := range []int{1, 3, 64, 1000} {
		g := oneConv(0)
		g.Edges[0].Channels = old
		lo, hi := int(math.Round(float64(old)*0.5)), 2*old
		hist := make([]int, 6) // factor bins of width 0.25 over [0.5, 2]
		for i := 0; i < n; i++ {
			c, _, err := AlterChannels(g, rng)
			if err != nil {
				t.Fatal(err)
			}
			got := c.Edges[0].Channels
			if got < max(lo, 1) || got > hi {
				t.Fatalf("from %d channels: %d outside [%d, %d]", old, got, lo, hi)
			}
			if old >= 64 {
				hist[min(int((float64(got)/float64(old)-0.5)/0.25), 5)]++
			}
		}
		if old >= 64 {
			if x := chiSquare(hist); x > chiLimit {
				t.Errorf("from %d channels: factor not uniform on [0.5, 2]: chi-square %.1f over %v", old, x, hist)
			}
		}
	}
}

func TestAlterStrideSteps(t *testing.T) {
	const n = 10000
	rng := newRand(3)
	g := oneConv(2)
	up := 0
	for i := 0; i < n; i++ {
		c, _, err := AlterStride(g, rng)
		if err != nil {
			t.Fatal(err)
		}
		e := c.Edges[0]
		if s := e.Stride(); s&(s-1) != 0 || s < 1 {
			t.Fatalf("stride %d is not a power of two", s)
		}
		switch e.StrideScale {
		case 3:
			up++
		case 1:
		default:
			t.Fatalf("stride scale 2 moved to %d", e.StrideScale)
		}
	}
	if math.Abs(float64(up)/n-0.5) > 0.025 { // 5 standard errors
		t.Errorf("%d of %d moves went up, want about half", up, n)
	}
}

func TestAlterFilterSizeDistribution(t *testing.T) {
	const n = 20000
	rng := newRand(4)
	for _, h := range []int{0, 1, 2, 5, MaxHalf} {
		g := oneConv(0)
		g.Edges[0].HalfH, g.Edges[0].HalfW = h, h
		counts := map[int]int{}
		for i := 0; i < n; i++ {
			c, _, err := AlterFilterSize(g, rng)
			if err != nil {
				t.Fatal(err)
			}
			e := c.Edges[0]
			if e.FilterH()%2 != 1 || e.FilterW()%2 != 1 {
				t.Fatalf("filter %d×%d not odd", e.FilterH(), e.FilterW())
			}
			nh := e.HalfH
			if nh == h {
				nh = e.HalfW
			}
			if !allowedHalf(h, nh) {
				t.Fatalf("half-size %d → %d not allowed", h, nh)
			}
			counts[nh]++
		}
		want := 1
		if h > 0 {
			want = min(2*h, MaxHalf) - h/2 // values in [h/2, min(2h, MaxHalf)] without h
		}
		if len(counts) != want {
			t.Errorf("from half-size %d: %d distinct outcomes %v, want %d", h, len(counts), counts, want)
		}
		var obs []int
		for _, c := range counts {
			obs = append(obs, c)
		}
		if x := chiSquare(obs); len(obs) > 1 && x > float64(len(obs))+chiLimit {
			t.Errorf("from half-size %d: outcomes not uniform: chi-square %.1f over %v", h, x, counts)
		}
	}
}

// TestMutateDrawsUniformly checks that Mutate draws the eleven mutations uniformly where all
// apply, and redraws the inapplicable ones from the initial genome.
func TestMutateDrawsUniformly(t *testing.T) {
	const n = 11000
	rng := newRand(5)
	index := map[string]int{}
	for i, m := range Mutations {
		index[m.Name] = i
	}
	hist := make([]int, len(Mutations))
	for i := 0; i < n; i++ {
		_, recs, err := Mutate(longChain(), rng, 1)
		if err != nil {
			t.Fatal(err)
		}
		hist[index[recs[0].Name]]++
	}
	if x := chiSquare(hist); x > chiLimit {
		t.Errorf("mutations not drawn uniformly: chi-square %.1f over %v", x, hist)
	}
	applicable := map[string]bool{"alter-learning-rate": true, "identity": true, "reset-weights": true,
		"insert-convolution": true, "insert-one-to-one": true}
	hist = make([]int, len(Mutations))
	for i := 0; i < n/2; i++ {
		_, recs, err := Mutate(Initial(Shape{H: 8, W: 8, C: 1}, 10), rng, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !applicable[recs[0].Name] {
			t.Fatalf("%s applied to the initial genome", recs[0].Name)
		}
		hist[index[recs[0].Name]]++
	}
	var obs []int
	for name := range applicable {
		obs = append(obs, hist[index[name]])
	}
	if x := chiSquare(obs); x > chiLimit {
		t.Errorf("applicable mutations not uniform after redraws: chi-square %.1f over %v", x, obs)
	}
}

func TestMutateBadInput(t *testing.T) {
	g := fixture()
	if _, _, err := Mutate(g, newRand(1), -1); err == nil {
		t.Error("negative count accepted")
	}
	if _, _, err := Mutate(g, nil, 1); err == nil {
		t.Error("nil rng accepted")
	}
	g.Classes = 0
	if _, _, err := Mutate(g, newRand(1), 1); err == nil {
		t.Error("invalid parent accepted")
	}
	for _, m := range Mutations {
		if _, _, err := m.Apply(g, newRand(1)); err == nil {
			t.Errorf("%s accepted an invalid parent", m.Name)
		}
	}
	c, recs, err := Mutate(fixture(), newRand(1), 0)
	if err != nil || len(recs) != 0 || ArchHash(c) != ArchHash(fixture()) {
		t.Errorf("zero mutations: %v %v", recs, err)
	}
}
