package main

import (
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"evo/population"
)

func statusCommand() *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "show the state of an experiment: alive, trained, best, FLOPs, workers",
		Flags: []cli.Flag{dirFlag, jsonFlag, logLevelFlag,
			&cli.BoolFlag{Name: "watch", Aliases: []string{"w"}, EnvVars: []string{"EVO_WATCH"}, Usage: "refresh until interrupted"},
			&cli.DurationFlag{Name: "every", Value: 5 * time.Second, EnvVars: []string{"EVO_WATCH_EVERY"}, Usage: "refresh interval of --watch"},
		},
		Action: runStatus,
	}
}

func runStatus(c *cli.Context) error {
	e, err := openExperiment(c)
	if err != nil {
		return err
	}
	defer e.Close()
	for {
		r, err := population.Status(e.store, time.Now())
		if err != nil {
			return err
		}
		if c.Bool("json") {
			err = printJSON(c, r)
		} else {
			err = e.printStatus(c.App.Writer, r)
		}
		if err != nil || !c.Bool("watch") {
			return err
		}
		select {
		case <-c.Context.Done():
			return nil
		case <-time.After(c.Duration("every")):
		}
		if !c.Bool("json") {
			fmt.Fprintln(c.App.Writer)
		}
	}
}

func (e *experiment) printStatus(w io.Writer, r population.StatusReport) error {
	cfg := e.cfg
	fmt.Fprintf(w, "experiment  %s (%s, population %d, %d steps/individual, %s selection)\n",
		e.root.Dir(), cfg.Dataset, cfg.Population, cfg.Steps, cfg.Selection)
	fmt.Fprintf(w, "alive       %d\n", r.Alive)
	fmt.Fprintf(w, "trained     %d individuals (%.1f/min), %d kills, %d failures, %d races\n", r.Trained, r.PerMinute, r.Kills, r.Failures, r.Races)
	if r.Best.ID != "" {
		fmt.Fprintf(w, "best        %s  validation accuracy %.4f\n", r.Best.ID, r.Best.Fitness)
	} else {
		fmt.Fprintf(w, "best        (none alive yet)\n")
	}
	fmt.Fprintf(w, "FLOPs       %s spent", si(r.FLOPsTotal))
	if cfg.MaxFLOPs > 0 {
		fmt.Fprintf(w, " of %s (%.1f%%)", si(cfg.MaxFLOPs), 100*r.FLOPsTotal/cfg.MaxFLOPs)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "workers     %d alive\n", r.Workers)
	if !r.Started.IsZero() {
		fmt.Fprintf(w, "elapsed     %s", human(time.Duration(r.ElapsedSeconds*float64(time.Second))))
		if d, ok := r.Remaining(e.populationConfigFromFile(), time.Now()); ok {
			if d > 0 {
				fmt.Fprintf(w, ", about %s to the budget", human(d))
			} else {
				fmt.Fprintf(w, ", budget reached")
			}
		}
		fmt.Fprintln(w)
	}
	if r.Control.Stop || r.Control.MutationsPerChild > 0 || !r.Control.ResetAt.IsZero() {
		fmt.Fprintf(w, "control     stop=%v mutations=%d reset_epoch=%d reset_at=%s\n", r.Control.Stop, r.Control.MutationsPerChild, r.Control.ResetEpoch, fmtTime(r.Control.ResetAt))
	}
	if r.Unreadable > 0 {
		fmt.Fprintf(w, "warning     %d alive entries are unreadable: run `evo check --dir %s`\n", r.Unreadable, e.root.Dir())
	}
	return nil
}

// populationConfigFromFile is the population config with only the budget fields, which is all
// Remaining needs (the data set is not loaded for status).
func (e *experiment) populationConfigFromFile() population.Config {
	return population.Config{
		MaxIndividuals: e.cfg.MaxIndividuals,
		MaxFLOPs:       e.cfg.MaxFLOPs,
		MaxWall:        time.Duration(e.cfg.MaxWall),
	}
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format(time.DateTime)
}
