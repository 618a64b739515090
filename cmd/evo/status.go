package main

import (
	"fmt"
	"io"
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
		wake = e.root.Watch(c.Context, c.Duration("every"))
	}
	for {
		shown := time.Now()
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
	lim := r.Control.Limits(e.populationConfigFromFile())
	fmt.Fprintf(w, "FLOPs       %s spent\n", text.SI(r.FLOPsTotal))
	fmt.Fprintf(w, "budgets     %s\n", text.BudgetLine(lim, r.Trained, r.FLOPsTotal))
	if r.Control.MaxIndividuals != nil || r.Control.MaxFLOPs != nil || r.Control.MaxWall != nil {
		fmt.Fprintf(w, "            %s\n", text.LimitsLine(r.Control, e.populationConfigFromFile()))
	}
	fmt.Fprintf(w, "workers     %d alive\n", r.Workers)
	if n, b, err := e.root.GraveyardUsage(); err == nil {
		fmt.Fprintf(w, "graveyard   %d graves, %sB (see `evo gc --max-graveyard-bytes`)\n", n, text.SI(float64(b)))
	}
	if !r.Started.IsZero() {
		fmt.Fprintf(w, "elapsed     %s", text.Human(time.Duration(r.ElapsedSeconds*float64(time.Second))))
		pc := e.populationConfigFromFile()
		pc.MaxIndividuals, pc.MaxFLOPs, pc.MaxWall = lim.MaxIndividuals, lim.MaxFLOPs, 0 // the wall budget is per run
		if d, ok := r.Remaining(pc, time.Now()); ok {
			if d > 0 {
				fmt.Fprintf(w, ", about %s to the budget", text.Human(d))
			} else {
				fmt.Fprintf(w, ", budget reached")
			}
		}
		fmt.Fprintln(w)
	}
	if r.Control.Stop || r.Control.MutationsPerChild > 0 || !r.Control.ResetAt.IsZero() {
		fmt.Fprintf(w, "control     stop=%v mutations=%d reset_epoch=%d reset_at=%s\n", r.Control.Stop, r.Control.MutationsPerChild, r.Control.ResetEpoch, text.Time(r.Control.ResetAt))
	}
	if r.Unreadable > 0 {
		fmt.Fprintf(w, "warning     %d alive entries are unreadable: run `evo check --dir %s`\n", r.Unreadable, e.root.Dir())
	}
	text.Workers(w, r.WorkerStatus, time.Now())
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
