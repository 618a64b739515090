package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

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
	var wake <-chan struct{}
	if c.Bool("watch") {
		wake = e.Root.Watch(c.Context, c.Duration("every"))
	}
	for {
		shown := time.Now()
		r, err := population.Status(e.Store, time.Now())
		if err != nil {
			return err
		}
		if c.Bool("json") {
			err = printJSON(c, r)
		} else {
			err = text.Status(c.App.Writer, r, e.Root.Dir(), e.Cfg, e.Budgets(), e.Root.GraveyardUsage, time.Now())
		}
		if err != nil || !c.Bool("watch") {
			return err
		}
		if _, ok := <-wake; !ok {
			return nil
		}
		// Events come with every birth and kill: refresh at most once a second.
		if d := time.Second - time.Since(shown); d > 0 {
			select {
			case <-c.Context.Done():
				return nil
			case <-time.After(min(d, c.Duration("every"))):
			}
		}
		if !c.Bool("json") {
			fmt.Fprintln(c.App.Writer)
		}
	}
}
