package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/settings"
	"evo/population"
	"evo/population/plot"
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
		Flags:  flagsOf("compare"),
		Action: runCompare,
	}
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
	var runs []population.CompareRun
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
	groups := population.GroupRuns(runs, c.Int("points"))
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
			p, err := plot.Comparison(title, groups, byFLOPs)
			if err != nil {
				return err
			}
			if err := plot.Save(p, name); err != nil {
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
func loadCompareRun(c *cli.Context, dir, label string) (population.CompareRun, error) {
	root, err := storage.Open(dir, storage.Options{Logger: newLogger(c)})
	if err != nil {
		if errors.Is(err, storage.ErrNotExperiment) {
			return population.CompareRun{}, fmt.Errorf("%s is not an experiment directory (no experiment.json): give directories made by `evo run` or `evo init`", dir)
		}
		return population.CompareRun{}, err
	}
	defer root.Close()
	cfg, err := settings.Decode(root.Config())
	if err != nil {
		return population.CompareRun{}, fmt.Errorf("%s/%w", dir, err)
	}
	curve, err := population.CurveOf(population.FromStorage(root))
	if err != nil {
		return population.CompareRun{}, fmt.Errorf("%s: %w", dir, err)
	}
	if curve.Individuals == 0 {
		return population.CompareRun{}, fmt.Errorf("%s: no individual has been trained yet: nothing to compare", dir)
	}
	if label == "" {
		label = population.Arm(cfg.Selection, !cfg.InheritWeights)
	}
	return population.CompareRun{Dir: dir, Label: label, Dataset: cfg.Dataset, Curve: curve, Best: curve.Best,
		BestID: curve.BestID, FLOPs: curve.FLOPs, Seconds: curve.Seconds, Count: curve.Individuals}, nil
}
