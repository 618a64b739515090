package population

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// CostPoint is a run's best validation accuracy so far after a cumulative cost: FLOPs spent
// (published and failed children alike) and seconds since the first worker started.
type CostPoint struct {
	FLOPs   float64 `json:"flops"`
	Seconds float64 `json:"seconds"`
	Best    float64 `json:"best"`
}

// Curve is one run's best-so-far curve (the paper's Figure 2 view of one experiment).
type Curve struct {
	// Points has one entry per birth, in birth order.
	Points      []CostPoint `json:"points"`
	Best        float64     `json:"best"`
	BestID      string      `json:"best_id"`
	FLOPs       float64     `json:"flops"`
	Seconds     float64     `json:"seconds"`
	Individuals int         `json:"individuals"`
}

// CurveOf reads an experiment's history into its Curve.
func CurveOf(s Reader) (Curve, error) {
	type cost struct {
		t     time.Time
		flops float64
		birth *Meta
	}
	var (
		costs []cost
		start time.Time
	)
	if _, err := ReadEvents(s, func(e Event) error {
		switch e.Event {
		case EventStart:
			if start.IsZero() || e.Time.Before(start) {
				start = e.Time
			}
		case EventBirth:
			costs = append(costs, cost{t: e.Meta.Born, flops: e.Meta.FLOPs.Total, birth: e.Meta})
		case EventFailure:
			costs = append(costs, cost{t: e.Time, flops: e.FLOPs})
		}
		return nil
	}); err != nil {
		return Curve{}, fmt.Errorf("population: read the history: %w", err)
	}
	sort.SliceStable(costs, func(i, j int) bool { return costs[i].t.Before(costs[j].t) })
	if start.IsZero() && len(costs) > 0 {
		start = costs[0].t
	}
	c := Curve{Best: math.NaN()}
	for _, k := range costs {
		c.FLOPs += k.flops
		c.Seconds = math.Max(c.Seconds, k.t.Sub(start).Seconds())
		if k.birth == nil {
			continue
		}
		c.Individuals++
		if math.IsNaN(c.Best) || k.birth.Fitness > c.Best {
			c.Best, c.BestID = k.birth.Fitness, k.birth.ID
		}
		c.Points = append(c.Points, CostPoint{FLOPs: c.FLOPs, Seconds: k.t.Sub(start).Seconds(), Best: c.Best})
	}
	if math.IsNaN(c.Best) {
		c.Best = 0
	}
	return c, nil
}

// BestAt is the best validation accuracy after x FLOPs (byFLOPs) or x seconds; NaN before the
// first birth.
func (c Curve) BestAt(x float64, byFLOPs bool) float64 {
	i := sort.Search(len(c.Points), func(i int) bool {
		p := c.Points[i]
		if byFLOPs {
			return p.FLOPs > x
		}
		return p.Seconds > x
	})
	if i == 0 {
		return math.NaN()
	}
	return c.Points[i-1].Best
}

// Band is the mean and range over the runs of a group at one cost.
type Band struct {
	X    float64 `json:"x"`
	Mean float64 `json:"mean"`
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
}

// Bands samples the runs' best-so-far curves at n costs from 0 to the smallest total cost of
// the runs (so every run contributes at every point), by FLOPs or by seconds. Points before
// some run's first birth are left out.
func Bands(runs []Curve, n int, byFLOPs bool) []Band {
	if len(runs) == 0 || n < 2 {
		return nil
	}
	end := math.Inf(1)
	for _, r := range runs {
		if byFLOPs {
			end = math.Min(end, r.FLOPs)
		} else {
			end = math.Min(end, r.Seconds)
		}
	}
	var out []Band
	for i := range n {
		x := end * float64(i) / float64(n-1)
		b := Band{X: x, Min: math.Inf(1), Max: math.Inf(-1)}
		ok := true
		for _, r := range runs {
			v := r.BestAt(x, byFLOPs)
			if math.IsNaN(v) {
				ok = false
				break
			}
			b.Mean += v / float64(len(runs))
			b.Min, b.Max = math.Min(b.Min, v), math.Max(b.Max, v)
		}
		if ok {
			out = append(out, b)
		}
	}
	return out
}

// Summary is the mean and range of a value over runs.
type Summary struct {
	Mean float64 `json:"mean"`
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
}

// Summarise returns the mean, minimum and maximum of vs (zeros when empty).
func Summarise(vs []float64) Summary {
	if len(vs) == 0 {
		return Summary{}
	}
	s := Summary{Min: math.Inf(1), Max: math.Inf(-1)}
	for _, v := range vs {
		s.Mean += v / float64(len(vs))
		s.Min, s.Max = math.Min(s.Min, v), math.Max(s.Max, v)
	}
	return s
}

// Arm names an experiment's control arm: "random" (random search), "no-inheritance",
// "aging", or "evolution" (the paper's tournament with weight inheritance).
func Arm(selection string, noInheritance bool) string {
	switch {
	case selection == SelectRandom:
		return "random"
	case noInheritance:
		return "no-inheritance"
	case selection == SelectAging:
		return "aging"
	}
	return "evolution"
}
