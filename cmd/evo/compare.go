package main

import (
	"errors"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"evo/population"
	"evo/storage"
)

func compareCommand() *cli.Command {
	return &cli.Command{
		Name:      "compare",
		Usage:     "compare experiments: best validation accuracy against FLOPs and wall time, grouped (the paper's Figure 2)",
		ArgsUsage: "DIR[=LABEL]...",
		Description: "Groups the experiment directories by label (DIR=LABEL, or --label once per DIR in order,\n" +
			"default: the experiment's arm: evolution, random, no-inheritance or aging) and draws, per\n" +
			"group, the mean best-so-far validation accuracy with its range over the group's runs,\n" +
			"against cumulative FLOPs (-o BASE.png writes BASE-flops.png) and against wall time since\n" +
			"the first worker started (BASE-wall.png). A group's curve ends at its cheapest run, so every\n" +
			"run counts at every point. Prints a table of the final best validation accuracy per group\n" +
			"(mean [min, max]); --json prints the table, the runs and the sampled curves.",
		Flags: []cli.Flag{jsonFlag, logLevelFlag,
			&cli.StringSliceFlag{Name: "label", Usage: "label of each DIR, in order (overrides the arm)"},
			&cli.PathFlag{Name: "output", Aliases: []string{"o"}, Value: "evo-compare.png", Usage: "BASE.png or BASE.svg: writes BASE-flops and BASE-wall; empty: no plot"},
			&cli.StringFlag{Name: "title", Usage: "plot title prefix (default: the data set)"},
			&cli.IntFlag{Name: "points", Value: 100, Usage: "samples per curve"},
		},
		Action: runCompare,
	}
}

// compareRun is one experiment of a comparison.
type compareRun struct {
	Dir     string           `json:"dir"`
	Label   string           `json:"label"`
	Dataset string           `json:"dataset"`
	Curve   population.Curve `json:"-"`
	Best    float64          `json:"best_validation"`
	BestID  string           `json:"best_id"`
	FLOPs   float64          `json:"flops"`
	Seconds float64          `json:"seconds"`
	Count   int              `json:"individuals"`
}

// compareGroup is the runs of one label.
type compareGroup struct {
	Label       string             `json:"label"`
	Runs        int                `json:"runs"`
	Best        population.Summary `json:"best_validation"`
	FLOPs       population.Summary `json:"flops"`
	Seconds     population.Summary `json:"seconds"`
	Individuals population.Summary `json:"individuals"`
	ByFLOPs     []population.Band  `json:"by_flops"`
	ByWall      []population.Band  `json:"by_wall_seconds"`
	curves      []population.Curve
}

func runCompare(c *cli.Context) error {
	if c.NArg() == 0 {
		return fmt.Errorf("evo compare needs at least one experiment directory: evo compare DIR[=LABEL]")
	}
	labels := c.StringSlice("label")
	if len(labels) > 0 && len(labels) != c.NArg() {
		return fmt.Errorf("--label given %d times for %d directories: give one per directory, in order, or none", len(labels), c.NArg())
	}
	out := c.Path("output")
	format := strings.ToLower(filepath.Ext(out))
	if out != "" && format != ".png" && format != ".svg" {
		return fmt.Errorf("-o %s: the extension must be .png or .svg", out)
	}
	var runs []compareRun
	for i, arg := range c.Args().Slice() {
		dir, label, _ := strings.Cut(arg, "=")
		if len(labels) > 0 {
			label = labels[i]
		}
		r, err := loadCompareRun(c, dir, label)
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}
	groups := groupRuns(runs, c.Int("points"))
	if out != "" {
		title := c.String("title")
		if title == "" {
			title = runs[0].Dataset
		}
		base := strings.TrimSuffix(out, filepath.Ext(out))
		for _, byFLOPs := range []bool{true, false} {
			name := base + "-wall" + format
			if byFLOPs {
				name = base + "-flops" + format
			}
			if err := writeComparePlot(name, title, groups, byFLOPs); err != nil {
				return err
			}
			fmt.Fprintf(c.App.ErrWriter, "evo: wrote %s\n", name)
		}
	}
	if c.Bool("json") {
		return printJSON(c, map[string]any{"groups": groups, "runs": runs})
	}
	w := c.App.Writer
	fmt.Fprintf(w, "%-16s %4s  %-26s %10s %9s %11s\n", "label", "runs", "best validation mean [range]", "FLOPs", "wall (s)", "individuals")
	for _, g := range groups {
		fmt.Fprintf(w, "%-16s %4d  %.4f [%.4f, %.4f]       %10.3g %9.0f %11.0f\n", g.Label, g.Runs,
			g.Best.Mean, g.Best.Min, g.Best.Max, g.FLOPs.Mean, g.Seconds.Mean, g.Individuals.Mean)
	}
	return nil
}

// loadCompareRun reads one experiment's curve; label defaults to its arm.
func loadCompareRun(c *cli.Context, dir, label string) (compareRun, error) {
	root, err := storage.Open(dir, storage.Options{Logger: newLogger(c)})
	if err != nil {
		if errors.Is(err, storage.ErrNotExperiment) {
			return compareRun{}, fmt.Errorf("%s is not an experiment directory (no experiment.json): give directories made by `evo run` or `evo init`", dir)
		}
		return compareRun{}, err
	}
	defer root.Close()
	cfg, err := decodeConfig(root.Config())
	if err != nil {
		return compareRun{}, fmt.Errorf("%s/%w", dir, err)
	}
	curve, err := population.CurveOf(population.FromStorage(root))
	if err != nil {
		return compareRun{}, fmt.Errorf("%s: %w", dir, err)
	}
	if curve.Individuals == 0 {
		return compareRun{}, fmt.Errorf("%s: no individual has been trained yet: nothing to compare", dir)
	}
	if label == "" {
		label = population.Arm(cfg.Selection, !cfg.InheritWeights)
	}
	return compareRun{Dir: dir, Label: label, Dataset: cfg.Dataset, Curve: curve, Best: curve.Best,
		BestID: curve.BestID, FLOPs: curve.FLOPs, Seconds: curve.Seconds, Count: curve.Individuals}, nil
}

// groupRuns groups runs by label, in order of first appearance.
func groupRuns(runs []compareRun, points int) []*compareGroup {
	var groups []*compareGroup
	byLabel := map[string]*compareGroup{}
	vals := map[string][4][]float64{}
	for _, r := range runs {
		g := byLabel[r.Label]
		if g == nil {
			g = &compareGroup{Label: r.Label}
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
		g.Best, g.FLOPs, g.Seconds, g.Individuals = population.Summarise(v[0]), population.Summarise(v[1]),
			population.Summarise(v[2]), population.Summarise(v[3])
		g.ByFLOPs = population.Bands(g.curves, points, true)
		g.ByWall = population.Bands(g.curves, points, false)
	}
	return groups
}

// writeComparePlot draws every group's mean curve and its range (a translucent band).
func writeComparePlot(name, title string, groups []*compareGroup, byFLOPs bool) error {
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
				return err
			}
			r, gg, b, _ := col.RGBA()
			pg.Color = color.NRGBA{R: uint8(r >> 8), G: uint8(gg >> 8), B: uint8(b >> 8), A: 60}
			pg.LineStyle.Width = 0
			p.Add(pg)
		}
		l, err := plotter.NewLine(mean)
		if err != nil {
			return err
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
	wt, err := p.WriterTo(plotWidth, plotHeight, strings.TrimPrefix(filepath.Ext(name), "."))
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
