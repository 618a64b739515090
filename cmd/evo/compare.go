package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/experiment"
	"evo/cmd/evo/internal/text"
	"evo/population"
	"evo/population/plot"
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
	args, err := experiment.ParseDirLabels(c.Args().Slice(), c.StringSlice("label"))
	if err != nil {
		return err
	}
	out := c.Path("output")
	format := strings.ToLower(filepath.Ext(out))
	if out != "" && format != ".png" && format != ".svg" {
		return fmt.Errorf("-o %s: the extension must be .png or .svg", out)
	}
	var runs []population.CompareRun
	for _, a := range args {
		r, err := experiment.CompareRun(a.Dir, a.Label, newLogger(c))
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
		written, err := plot.SaveComparisons(title, groups, out)
		for _, name := range written {
			fmt.Fprintf(c.App.ErrWriter, "evo: wrote %s\n", name)
		}
		if err != nil {
			return err
		}
	}
	if c.Bool("json") {
		return printJSON(c, map[string]any{"groups": groups, "runs": runs})
	}
	text.Comparison(c.App.Writer, groups)
	return nil
}
