package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/runner"
	"evo/cmd/evo/internal/text"
	"evo/population"
)

func statusCommand() *cli.Command {
	return &cli.Command{
		Name:   "status",
		Usage:  "show the state of an experiment: alive, trained, best, FLOPs, workers",
		Flags:  flagsOf("status"),
		Action: runStatus,
	}
}

func runStatus(c *cli.Context) error {
	e, err := openExperiment(c)
	if err != nil {
		return err
	}
	defer e.Close()
	first := true
	show := func() error {
		if !first && !c.Bool("json") {
			fmt.Fprintln(c.App.Writer)
		}
		first = false
		r, err := population.Status(e.Store, time.Now())
		if err != nil {
			return err
		}
		if c.Bool("json") {
			return printJSON(c, r)
		}
		return text.Status(c.App.Writer, r, e.Root.Dir(), e.Cfg, e.Budgets(), e.Root.GraveyardUsage, time.Now())
	}
	if !c.Bool("watch") {
		return show()
	}
	return runner.Refresh(c.Context, e.Root.Watch(c.Context, c.Duration("every")), c.Duration("every"), show)
}
