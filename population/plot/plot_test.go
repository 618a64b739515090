package plot

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"evo/population"
)

// TestTimelinePlot checks the plot's data: one dot per individual, alive and dead apart, and
// the best-so-far line running to the last birth.
func TestTimelinePlot(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tl := population.Timeline{Start: t0, Points: []population.Point{
		{ID: "a", Born: t0.Add(time.Minute), Fitness: 0.2},
		{ID: "b", Born: t0.Add(2 * time.Minute), Fitness: 0.5, Alive: true},
		{ID: "c", Born: t0.Add(4 * time.Minute), Fitness: 0.4, Alive: true},
	}, BestSoFar: []population.BestPoint{{Time: t0.Add(time.Minute), Fitness: 0.2}, {Time: t0.Add(2 * time.Minute), Fitness: 0.5}}}
	p, err := Timeline(tl, "t")
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Label.Text != "wall time since start (minutes)" || p.X.Max != 4 || p.Y.Min != 0 || p.Y.Max != 1 {
		t.Errorf("axes: %q x max %v, y %v..%v", p.X.Label.Text, p.X.Max, p.Y.Min, p.Y.Max)
	}
	dead, alive, best, _ := timelineXYs(tl)
	if len(dead) != 1 || dead[0] != (plotter.XY{X: 1, Y: 0.2}) || len(alive) != 2 || alive[1] != (plotter.XY{X: 4, Y: 0.4}) {
		t.Errorf("dots: dead %v, alive %v; want a at (1, 0.2) dead, b and c alive, c at (4, 0.4)", dead, alive)
	}
	if want := (plotter.XYs{{X: 1, Y: 0.2}, {X: 2, Y: 0.5}, {X: 4, Y: 0.5}}); !slices.Equal(best, want) {
		t.Errorf("best so far %v, want %v (extended to the last birth)", best, want)
	}
	tl.Points[2].Born = t0.Add(5 * time.Hour)
	if p, _ = Timeline(tl, "t"); p.X.Label.Text != "wall time since start (hours)" || p.X.Max != 5 {
		t.Errorf("a 5-hour run: %q, x max %v", p.X.Label.Text, p.X.Max)
	}
	short := population.Timeline{Start: t0, Points: []population.Point{{ID: "a", Born: t0.Add(90 * time.Second), Fitness: 0.3, Alive: true}},
		BestSoFar: []population.BestPoint{{Time: t0.Add(90 * time.Second), Fitness: 0.3}}}
	if p, _ = Timeline(short, "t"); p.X.Label.Text != "wall time since start (seconds)" || p.X.Max != 90 {
		t.Errorf("a 2-minute run: %q, x max %v", p.X.Label.Text, p.X.Max)
	}
}

// TestComparison draws a group of two runs and one of one, and saves both formats.
func TestComparison(t *testing.T) {
	curve := func(best float64) population.Curve {
		return population.Curve{Points: []population.CostPoint{{FLOPs: 1, Seconds: 60, Best: best / 2}, {FLOPs: 4, Seconds: 240, Best: best}},
			Best: best, FLOPs: 4, Seconds: 240, Individuals: 2}
	}
	groups := population.GroupRuns([]population.CompareRun{
		{Label: "evolution", Curve: curve(0.8), Best: 0.8}, {Label: "random", Curve: curve(0.5), Best: 0.5},
		{Label: "evolution", Curve: curve(0.6), Best: 0.6},
	}, 10)
	if len(groups) != 2 || groups[0].Runs != 2 || groups[0].Best.Max != 0.8 {
		t.Fatalf("groups %+v", groups)
	}
	dir := t.TempDir()
	written, err := SaveComparisons("t", groups, filepath.Join(dir, "cmp.svg"))
	if err != nil || len(written) != 2 || written[0] != filepath.Join(dir, "cmp-flops.svg") || written[1] != filepath.Join(dir, "cmp-wall.svg") {
		t.Errorf("SaveComparisons wrote %v, %v; want cmp-flops.svg and cmp-wall.svg", written, err)
	}
	for _, name := range written {
		if st, err := os.Stat(name); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, byFLOPs := range []bool{true, false} {
		p, err := Comparison("t", groups, byFLOPs)
		if err != nil {
			t.Fatal(err)
		}
		if p.Y.Min != 0 || p.Y.Max > 1 || p.Legend.Left {
			t.Errorf("axes y %v..%v", p.Y.Min, p.Y.Max)
		}
		for _, name := range []string{"c.png", "c.svg"} {
			path := filepath.Join(dir, name)
			if err := Save(p, path); err != nil {
				t.Fatal(err)
			}
			if st, err := os.Stat(path); err != nil || st.Size() == 0 {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
	if err := Save(plotOf(t), filepath.Join(dir, "c.pdf")); err == nil {
		t.Error("Save accepted a .pdf name")
	}
}

func plotOf(t *testing.T) *plot.Plot {
	t.Helper()
	return plot.New()
}
