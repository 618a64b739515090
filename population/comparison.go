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
}

// GroupRuns groups runs by label, in order of first appearance.
func GroupRuns(runs []CompareRun, points int) []*CompareGroup {
	var labels []string
	byLabel := map[string][]CompareRun{}
	for _, r := range runs {
		if _, ok := byLabel[r.Label]; !ok {
			labels = append(labels, r.Label)
		}
		byLabel[r.Label] = append(byLabel[r.Label], r)
	}
	var groups []*CompareGroup
	for _, label := range labels {
		rs := byLabel[label]
		var best, flops, seconds, count []float64
		curves := make([]Curve, 0, len(rs))
		for _, r := range rs {
			best, flops, seconds = append(best, r.Best), append(flops, r.FLOPs), append(seconds, r.Seconds)
			count = append(count, float64(r.Count))
			curves = append(curves, r.Curve)
		}
		groups = append(groups, &CompareGroup{Label: label, Runs: len(rs),
			Best: Summarise(best), FLOPs: Summarise(flops), Seconds: Summarise(seconds), Individuals: Summarise(count),
			ByFLOPs: Bands(curves, points, true), ByWall: Bands(curves, points, false)})
	}
	return groups
}
