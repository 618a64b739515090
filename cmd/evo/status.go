package main

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"evo/population"
	"evo/storage"
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
	fmt.Fprintf(w, "FLOPs       %s spent\n", si(r.FLOPsTotal))
	fmt.Fprintf(w, "budgets     %s\n", budgetLine(lim, r.Trained, r.FLOPsTotal))
	if r.Control.MaxIndividuals != nil || r.Control.MaxFLOPs != nil || r.Control.MaxWall != nil {
		fmt.Fprintf(w, "            %s\n", limitsLine(r.Control, e.populationConfigFromFile()))
	}
	fmt.Fprintf(w, "workers     %d alive\n", r.Workers)
	if n, b, err := e.root.GraveyardUsage(); err == nil {
		fmt.Fprintf(w, "graveyard   %d graves, %sB (see `evo gc --max-graveyard-bytes`)\n", n, si(float64(b)))
	}
	if !r.Started.IsZero() {
		fmt.Fprintf(w, "elapsed     %s", human(time.Duration(r.ElapsedSeconds*float64(time.Second))))
		pc := e.populationConfigFromFile()
		pc.MaxIndividuals, pc.MaxFLOPs, pc.MaxWall = lim.MaxIndividuals, lim.MaxFLOPs, 0 // the wall budget is per run
		if d, ok := r.Remaining(pc, time.Now()); ok {
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
	printWorkers(w, r.WorkerStatus, time.Now())
	return nil
}

// maxDeadWorkerRows bounds the stopped or dead workers listed by printWorkers (the most
// recent ones); `evo status --json` has them all.
const maxDeadWorkerRows = 10

// printWorkers writes one line per worker: the alive ones, then the most recently seen
// stopped or dead ones.
func printWorkers(w io.Writer, all []population.WorkerStatus, now time.Time) {
	if len(all) == 0 {
		return
	}
	var alive, gone []population.WorkerStatus
	for _, s := range all {
		if s.Alive(now) {
			alive = append(alive, s)
		} else {
			gone = append(gone, s)
		}
	}
	sort.Slice(alive, func(i, j int) bool { return alive[i].Worker < alive[j].Worker })
	sort.SliceStable(gone, func(i, j int) bool { return gone[i].Time.After(gone[j].Time) })
	more := 0
	if len(gone) > maxDeadWorkerRows {
		more, gone = len(gone)-maxDeadWorkerRows, gone[:maxDeadWorkerRows]
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WORKER\tHOST\tSTATE\tHEARTBEAT\tBIRTHS\tFAILURES\tRSS\tHEAP")
	for _, s := range append(alive, gone...) {
		state := s.State
		if !s.Alive(now) && state != population.StateStopped {
			state = "dead (was " + state + ")"
		}
		host := s.Host
		if host == "" {
			host = storage.WorkerHost(s.Worker)
		}
		if host == "" {
			host = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s ago\t%d\t%d\t%s\t%s\n", s.Worker, host, state,
			human(max(now.Sub(s.Time), 0)), s.Births, s.Failures, mib(s.RSSBytes), mib(s.HeapLiveBytes))
	}
	tw.Flush()
	if more > 0 {
		fmt.Fprintf(w, "... and %d more stopped or dead workers (`evo status --json` lists every worker)\n", more)
	}
}

// mib formats a byte count in MiB, "-" when unknown.
func mib(n int64) string {
	if n <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
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
