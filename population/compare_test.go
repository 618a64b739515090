package population

import (
	"math"
	"testing"
)

// TestCurveAndMutationStats runs a small experiment and checks the run-level views against
// its births: the best-so-far curve, and per-mutation draws, applications and deltas.
func TestCurveAndMutationStats(t *testing.T) {
	cfg := testConfig(8)
	cfg.MaxIndividuals = 60
	cfg.MutationsPerChild = 2
	s := FromStorage(newRoot(t))
	runClean(t, s, newFakeTrainer(), cfg, 2)
	b, _ := births(t, s)
	c, err := CurveOf(s)
	if err != nil {
		t.Fatal(err)
	}
	if c.Individuals != len(b) || len(c.Points) != len(b) {
		t.Fatalf("curve has %d individuals and %d points, the history %d births", c.Individuals, len(c.Points), len(b))
	}
	best, flops := 0.0, 0.0
	for _, m := range b {
		best = math.Max(best, m.Fitness)
		flops += m.FLOPs.Total
	}
	if c.Best != best || b[c.BestID].Fitness != best || c.FLOPs != flops {
		t.Errorf("curve best %g (%s), FLOPs %g; want %g, %g", c.Best, c.BestID, c.FLOPs, best, flops)
	}
	for i := 1; i < len(c.Points); i++ {
		p, q := c.Points[i-1], c.Points[i]
		if q.Best < p.Best || q.FLOPs < p.FLOPs || q.Seconds < p.Seconds {
			t.Fatalf("curve not monotone at %d: %+v then %+v", i, p, q)
		}
	}
	if got := c.BestAt(c.FLOPs, true); got != best {
		t.Errorf("best at the total FLOPs %g, want %g", got, best)
	}
	if !math.IsNaN(c.BestAt(c.Points[0].FLOPs/2, true)) {
		t.Error("a best before the first birth")
	}

	st, err := MutationStatsOf(s)
	if err != nil {
		t.Fatal(err)
	}
	children, applied := 0, map[string]int{}
	for _, m := range b {
		if m.Parent != "" {
			children++
			for _, r := range m.Mutations {
				applied[r.Name]++
			}
		}
	}
	if st.Children != children || st.Replayed != children {
		t.Errorf("stats: %d children, %d replayed; the history has %d children", st.Children, st.Replayed, children)
	}
	drawn := 0
	for _, ms := range st.Mutations {
		if ms.Applied != applied[ms.Name] {
			t.Errorf("%s applied %d times, the records say %d", ms.Name, ms.Applied, applied[ms.Name])
		}
		if ms.Drawn < ms.Applied {
			t.Errorf("%s drawn %d times but applied %d", ms.Name, ms.Drawn, ms.Applied)
		}
		if ms.Children != ms.Applied || ms.ShareBetter < 0 || ms.ShareBetter > 1 {
			t.Errorf("%s: %d children with deltas for %d applications, share better %g", ms.Name, ms.Children, ms.Applied, ms.ShareBetter)
		}
		drawn += ms.Drawn
	}
	if drawn < 2*children {
		t.Errorf("%d draws for %d children with 2 mutations each", drawn, children)
	}
}

func TestBands(t *testing.T) {
	a := Curve{FLOPs: 10, Seconds: 10, Points: []CostPoint{{FLOPs: 1, Seconds: 2, Best: 0.2}, {FLOPs: 5, Seconds: 6, Best: 0.5}}}
	b := Curve{FLOPs: 8, Seconds: 20, Points: []CostPoint{{FLOPs: 2, Seconds: 1, Best: 0.1}, {FLOPs: 4, Seconds: 3, Best: 0.3}}}
	got := Bands([]Curve{a, b}, 5, true) // x = 0, 2, 4, 6, 8: x = 0 is before both first births
	want := []Band{{2, 0.15, 0.1, 0.2}, {4, 0.25, 0.2, 0.3}, {6, 0.4, 0.3, 0.5}, {8, 0.4, 0.3, 0.5}}
	if len(got) != len(want) {
		t.Fatalf("bands %+v, want %+v", got, want)
	}
	for i := range want {
		if math.Abs(got[i].X-want[i].X) > 1e-9 || math.Abs(got[i].Mean-want[i].Mean) > 1e-9 || got[i].Min != want[i].Min || got[i].Max != want[i].Max {
			t.Errorf("band %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if s := Summarise([]float64{0.2, 0.4, 0.3}); math.Abs(s.Mean-0.3) > 1e-9 || s.Min != 0.2 || s.Max != 0.4 {
		t.Errorf("summary %+v", s)
	}
	if Arm(SelectRandom, true) != "random" || Arm(SelectTournament, true) != "no-inheritance" || Arm(SelectTournament, false) != "evolution" {
		t.Error("arm labels")
	}
}
