// Package plot draws the figures of evo's experiments with gonum/plot: an experiment's
// validation accuracy over time (every individual a dot, the best so far a step line) and the
// comparison of several experiments' best accuracy against compute or wall time, each group
// of runs as its mean curve within its range.
package plot

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"evo/population"
)

// Size of the saved plots, and styles.
const (
	Width  = 8 * vg.Inch
	Height = 5 * vg.Inch
)

var (
	deadColor  = color.RGBA{R: 150, G: 150, B: 150, A: 255}
	aliveColor = color.RGBA{R: 31, G: 96, B: 196, A: 255}
	bestColor  = color.RGBA{R: 214, G: 39, B: 40, A: 255}
)

// Save writes p to the file name, as PNG or SVG by its extension.
func Save(p *plot.Plot, name string) error {
	format := strings.ToLower(strings.TrimPrefix(filepath.Ext(name), "."))
	if format != "png" && format != "svg" {
		return fmt.Errorf("plot: %s: the extension must be .png or .svg", name)
	}
	wt, err := p.WriterTo(Width, Height, format)
	if err != nil {
		return err
	}
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("write the plot: %w", err)
	}
	if _, err := wt.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("write the plot %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write the plot %s: %w", name, err)
	}
	return nil
}

// Timeline draws tl: dead and alive individuals at their birth, the best so far as a step
// line extended to the last birth. tl must have at least one point and one best-so-far point.
func Timeline(tl population.Timeline, title string) (*plot.Plot, error) {
	dead, alive, best, unitName := timelineXYs(tl)
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "wall time since start (" + unitName + ")"
	p.Y.Label.Text = "validation accuracy"
	p.Y.Min, p.Y.Max = 0, 1
	p.X.Min = 0
	p.Add(plotter.NewGrid())
	// The best-so-far line climbs the left edge and runs along the top, and dead individuals
	// are rarely both late and poor: the bottom right corner is the emptiest.
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(8), vg.Points(8)

	if err := addDots(p, "dead", dead, deadColor, 1.5); err != nil {
		return nil, err
	}
	if err := addDots(p, "alive", alive, aliveColor, 3); err != nil {
		return nil, err
	}
	l, err := plotter.NewLine(best)
	if err != nil {
		return nil, err
	}
	l.StepStyle = plotter.PostStep
	l.LineStyle = draw.LineStyle{Color: bestColor, Width: vg.Points(1.5)}
	p.Add(l)
	p.Legend.Add("best so far", l)
	return p, nil
}

// timelineXYs places tl's points in the unit its span calls for (seconds, minutes or hours
// since its start, named by unitName): the dead and the alive individuals apart, and the
// best-so-far steps extended to the last birth.
func timelineXYs(tl population.Timeline) (dead, alive, best plotter.XYs, unitName string) {
	start := tl.Start
	last := tl.Points[0].Born
	for _, pt := range tl.Points {
		if start.IsZero() || pt.Born.Before(start) {
			start = pt.Born
		}
		if pt.Born.After(last) {
			last = pt.Born
		}
	}
	unit := time.Minute
	unitName = "minutes"
	switch span := last.Sub(start); {
	case span > 3*time.Hour:
		unit, unitName = time.Hour, "hours"
	case span < 2*time.Minute:
		unit, unitName = time.Second, "seconds"
	}
	at := func(t time.Time) float64 { return float64(t.Sub(start)) / float64(unit) }

	for _, pt := range tl.Points {
		xy := plotter.XY{X: at(pt.Born), Y: pt.Fitness}
		if pt.Alive {
			alive = append(alive, xy)
		} else {
			dead = append(dead, xy)
		}
	}
	for _, b := range tl.BestSoFar {
		best = append(best, plotter.XY{X: at(b.Time), Y: b.Fitness})
	}
	best = append(best, plotter.XY{X: at(last), Y: best[len(best)-1].Y})
	return dead, alive, best, unitName
}

// addDots adds pts to p as circles of radius points in col, with a legend entry name; no
// points, no entry.
func addDots(p *plot.Plot, name string, pts plotter.XYs, col color.Color, radius float64) error {
	if len(pts) == 0 {
		return nil
	}
	s, err := plotter.NewScatter(pts)
	if err != nil {
		return err
	}
	s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(radius), Shape: draw.CircleGlyph{}}
	p.Add(s)
	p.Legend.Add(name, s)
	return nil
}

// Comparison draws every group's mean curve and its range (a translucent band).
func Comparison(title string, groups []*population.CompareGroup, byFLOPs bool) (*plot.Plot, error) {
	p := plot.New()
	p.Y.Label.Text = "best validation accuracy so far"
	if byFLOPs {
		p.Title.Text = title + ": best validation accuracy against compute"
		p.X.Label.Text = "FLOPs spent"
	} else {
		p.Title.Text = title + ": best validation accuracy against wall time"
		p.X.Label.Text = "wall time since start (minutes)"
	}
	p.X.Min, p.Y.Min = 0, 0
	p.Add(plotter.NewGrid())
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(8), vg.Points(8)
	ymax := 0.0
	for i, g := range groups {
		bands := g.ByWall
		scale := 1.0 / 60
		if byFLOPs {
			bands, scale = g.ByFLOPs, 1
		}
		if len(bands) == 0 {
			continue
		}
		col := plotutil.Color(i)
		var mean, poly plotter.XYs
		for _, b := range bands {
			mean = append(mean, plotter.XY{X: b.X * scale, Y: b.Mean})
			poly = append(poly, plotter.XY{X: b.X * scale, Y: b.Max})
			ymax = max(ymax, b.Max)
		}
		for j := len(bands) - 1; j >= 0; j-- {
			poly = append(poly, plotter.XY{X: bands[j].X * scale, Y: bands[j].Min})
		}
		if g.Runs > 1 {
			pg, err := plotter.NewPolygon(poly)
			if err != nil {
				return nil, err
			}
			r, gg, b, _ := col.RGBA()
			pg.Color = color.NRGBA{R: uint8(r >> 8), G: uint8(gg >> 8), B: uint8(b >> 8), A: 60}
			pg.LineStyle.Width = 0
			p.Add(pg)
		}
		l, err := plotter.NewLine(mean)
		if err != nil {
			return nil, err
		}
		l.StepStyle = plotter.PostStep
		l.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.8)}
		p.Add(l)
		label := g.Label
		if g.Runs > 1 {
			label = fmt.Sprintf("%s (mean and range of %d runs)", g.Label, g.Runs)
		}
		p.Legend.Add(label, l)
	}
	p.Y.Max = min(1, ymax*1.15+0.02)
	return p, nil
}
