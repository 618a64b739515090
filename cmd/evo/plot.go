package main

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"evo/population"
)

func plotCommand() *cli.Command {
	return &cli.Command{
		Name:  "plot",
		Usage: "plot validation accuracy against wall time, the paper's Figure 1 (PNG or SVG)",
		Description: "Every individual ever trained is a dot at its birth time: dead ones small and grey, alive\n" +
			"ones larger and blue; the red step line is the best validation accuracy so far. Time is\n" +
			"measured from the experiment's first worker start, in minutes (hours for runs over 3 h,\n" +
			"seconds for runs under 2 minutes).\n" +
			"The format follows the extension of -o: .png or .svg.",
		Flags: []cli.Flag{dirFlag, logLevelFlag,
			&cli.PathFlag{Name: "output", Aliases: []string{"o"}, Value: "evo-plot.png", EnvVars: []string{"EVO_PLOT_OUTPUT"}, Usage: "output file, .png or .svg"},
			&cli.StringFlag{Name: "title", EnvVars: []string{"EVO_PLOT_TITLE"}, Usage: "plot title (default: the experiment's name and data set)"},
		},
		Action: runPlot,
	}
}

// Plot size and styles.
const (
	plotWidth  = 8 * vg.Inch
	plotHeight = 5 * vg.Inch
)

var (
	deadColor  = color.RGBA{R: 150, G: 150, B: 150, A: 255}
	aliveColor = color.RGBA{R: 31, G: 96, B: 196, A: 255}
	bestColor  = color.RGBA{R: 214, G: 39, B: 40, A: 255}
)

func runPlot(c *cli.Context) error {
	if err := noArgs(c); err != nil {
		return err
	}
	out := c.Path("output")
	format := strings.ToLower(filepath.Ext(out))
	if format != ".png" && format != ".svg" {
		return fmt.Errorf("-o %s: the extension must be .png or .svg", out)
	}
	e, err := openExperiment(c)
	if err != nil {
		return err
	}
	defer e.Close()
	tl, err := population.TimelineOf(e.store)
	if err != nil {
		return err
	}
	if len(tl.Points) == 0 {
		return fmt.Errorf("nothing to plot: no individual of %s has been trained yet (start workers with `evo run` or `evo worker`)", e.root.Dir())
	}
	title := c.String("title")
	if title == "" {
		abs, _ := filepath.Abs(e.root.Dir())
		title = fmt.Sprintf("%s on %s: validation accuracy over time", filepath.Base(abs), e.cfg.Dataset)
	}
	p, err := timelinePlot(tl, title)
	if err != nil {
		return err
	}
	wt, err := p.WriterTo(plotWidth, plotHeight, format[1:])
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("write the plot: %w", err)
	}
	if _, err := wt.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("write the plot %s: %w", out, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write the plot %s: %w", out, err)
	}
	fmt.Fprintf(c.App.ErrWriter, "evo: wrote %s (%d individuals, best %.4f)\n", out, len(tl.Points), tl.BestSoFar[len(tl.BestSoFar)-1].Fitness)
	return nil
}

// timelinePlot draws tl: dead and alive individuals at their birth, the best so far as a step
// line extended to the last birth.
func timelinePlot(tl population.Timeline, title string) (*plot.Plot, error) {
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
	unit, unitName := time.Minute, "minutes"
	switch span := last.Sub(start); {
	case span > 3*time.Hour:
		unit, unitName = time.Hour, "hours"
	case span < 2*time.Minute:
		unit, unitName = time.Second, "seconds"
	}
	at := func(t time.Time) float64 { return float64(t.Sub(start)) / float64(unit) }

	var dead, alive plotter.XYs
	for _, pt := range tl.Points {
		xy := plotter.XY{X: at(pt.Born), Y: pt.Fitness}
		if pt.Alive {
			alive = append(alive, xy)
		} else {
			dead = append(dead, xy)
		}
	}
	var best plotter.XYs
	for _, b := range tl.BestSoFar {
		best = append(best, plotter.XY{X: at(b.Time), Y: b.Fitness})
	}
	best = append(best, plotter.XY{X: at(last), Y: best[len(best)-1].Y})

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

	if len(dead) > 0 {
		s, err := plotter.NewScatter(dead)
		if err != nil {
			return nil, err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: deadColor, Radius: vg.Points(1.5), Shape: draw.CircleGlyph{}}
		p.Add(s)
		p.Legend.Add("dead", s)
	}
	if len(alive) > 0 {
		s, err := plotter.NewScatter(alive)
		if err != nil {
			return nil, err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: aliveColor, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
		p.Add(s)
		p.Legend.Add("alive", s)
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
