package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"evo/population"
	"evo/population/plot"
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
		Flags:  flagsOf("plot"),
		Action: runPlot,
	}
}

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
	tl, err := population.TimelineOf(e.Store)
	if err != nil {
		return err
	}
	if len(tl.Points) == 0 {
		return fmt.Errorf("nothing to plot: no individual of %s has been trained yet (start workers with `evo run` or `evo worker`)", e.Root.Dir())
	}
	title := c.String("title")
	if title == "" {
		abs, _ := filepath.Abs(e.Root.Dir())
		title = fmt.Sprintf("%s on %s: validation accuracy over time", filepath.Base(abs), e.Cfg.Dataset)
	}
	p, err := plot.Timeline(tl, title)
	if err != nil {
		return err
	}
	if err := plot.Save(p, out); err != nil {
		return err
	}
	fmt.Fprintf(c.App.ErrWriter, "evo: wrote %s (%d individuals, best %.4f)\n", out, len(tl.Points), tl.BestSoFar[len(tl.BestSoFar)-1].Fitness)
	return nil
}
