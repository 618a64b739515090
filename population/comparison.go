package population

// CompareRun is one experiment of a comparison (`evo compare`).
type CompareRun struct {
	Dir     string  `json:"dir"`
	Label   string  `json:"label"`
	Dataset string  `json:"dataset"`
	Curve   Curve   `json:"-"`
	Best    float64 `json:"best_validation"`
	BestID  string  `json:"best_id"`
	FLOPs   float64 `json:"flops"`
	Seconds float64 `json:"seconds"`
	Count   int     `json:"individuals"`
}

// CompareGroup is the runs of one label.
type CompareGroup struct {
	Label       string  `json:"label"`
	Runs        int     `json:"runs"`
	Best        Summary `json:"best_validation"`
	FLOPs       Summary `json:"flops"`
	Seconds     Summary `json:"seconds"`
	Individuals Summary `json:"individuals"`
	ByFLOPs     []Band  `json:"by_flops"`
	ByWall      []Band  `json:"by_wall_seconds"`
	curves      []Curve // the runs' curves, for Bands
}

// GroupRuns groups runs by label, in order of first appearance.
func GroupRuns(runs []CompareRun, points int) []*CompareGroup {
	var groups []*CompareGroup
	byLabel := map[string]*CompareGroup{}
	vals := map[string][4][]float64{}
	for _, r := range runs {
		g := byLabel[r.Label]
		if g == nil {
			g = &CompareGroup{Label: r.Label}
			byLabel[r.Label] = g
			groups = append(groups, g)
		}
		g.Runs++
		g.curves = append(g.curves, r.Curve)
		v := vals[r.Label]
		v[0], v[1], v[2], v[3] = append(v[0], r.Best), append(v[1], r.FLOPs), append(v[2], r.Seconds), append(v[3], float64(r.Count))
		vals[r.Label] = v
	}
	for _, g := range groups {
		v := vals[g.Label]
		g.Best, g.FLOPs, g.Seconds, g.Individuals = Summarise(v[0]), Summarise(v[1]),
			Summarise(v[2]), Summarise(v[3])
		g.ByFLOPs = Bands(g.curves, points, true)
		g.ByWall = Bands(g.curves, points, false)
	}
	return groups
}
