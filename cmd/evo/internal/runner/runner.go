// Package runner is the orchestration behind `evo run`: it supervises the worker processes
// of one machine, runs the garbage collector beside them, shows a progress line while they
// work, and says why they stopped. The command itself only parses flags and prints.
package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"evo/cmd/evo/internal/experiment"
	"evo/cmd/evo/internal/models"
	"evo/cmd/evo/internal/procs"
	"evo/cmd/evo/internal/text"
	"evo/population"
	"evo/storage"
	"evo/train/data"
)

// Options configure Run.
type Options struct {
	// Workers is the number of worker processes (at least 1).
	Workers int
	// Args is the command line of the worker process named name (see procs.Supervise).
	Args func(name string) []string
	// GCEvery is the interval of the garbage collector; GC its options.
	GCEvery time.Duration
	GC      storage.GCOptions
	// Progress receives the progress line.
	Progress io.Writer
	// Start is when the run started: its wall budget counts from it.
	Start time.Time
}

// Preflight returns the budget line of e, and a reason not to start any worker when a stop
// is in force or a budget of the experiment's totals is already reached ("" otherwise).
func Preflight(e *experiment.Experiment) (budgets, blocked string, err error) {
	st, err := population.Status(e.Store, time.Now())
	if err != nil {
		return "", "", err
	}
	lim := st.Control.Limits(e.Budgets())
	budgets = text.BudgetLine(lim, st.Trained, st.FLOPsTotal)
	if st.Control.Stop {
		return budgets, "not started: " + population.StopMessage(population.StopControl, lim, st.Trained, st.FLOPsTotal), nil
	}
	if reason, msg := lim.Reached(st.Trained, st.FLOPsTotal, 0); reason != "" {
		return budgets, "nothing to do: " + msg, nil
	}
	return budgets, "", nil
}

// Run starts o.Workers supervised workers on e and a collector, shows progress until every
// worker has ended (a budget, a stop, or ctx cancelled), and returns the first worker error.
func Run(ctx context.Context, e *experiment.Experiment, o Options) error {
	if o.Workers < 1 {
		return fmt.Errorf("--workers %d: need at least 1", o.Workers)
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, o.Workers)
	for i := range o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- procs.Supervise(runCtx, e.Log, i, e.Root.LogDir(), o.Args)
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	go population.CollectLoop(runCtx, e.Root, o.GCEvery, o.GC, e.Log)

	progress := newProgress(o.Progress, e, o.Start)
	tick := time.NewTicker(progress.Every)
	defer tick.Stop()
loop:
	for {
		select {
		case <-done:
			break loop
		case <-tick.C:
			progress.Show()
		}
	}
	progress.Finish()
	cancel()
	close(errs)
	var firstErr error
	for err := range errs {
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// WhyStopped says why the workers of a run that started at runStart ended, from what the
// experiment says now; ctx is the run's.
func WhyStopped(ctx context.Context, e *experiment.Experiment, runStart time.Time) string {
	if ctx.Err() != nil {
		return fmt.Sprintf("interrupted; resume with `evo run --dir %s`", e.Root.Dir())
	}
	st, err := population.Status(e.Store, time.Now())
	if err != nil {
		return fmt.Sprintf("all workers ended; the status is unreadable (%v)", err)
	}
	lim := st.Control.Limits(e.Budgets())
	if st.Control.Stop {
		return population.StopMessage(population.StopControl, lim, st.Trained, st.FLOPsTotal)
	}
	if reason, msg := lim.Reached(st.Trained, st.FLOPsTotal, time.Since(runStart)); reason != "" {
		return msg
	}
	return fmt.Sprintf("all workers ended before a budget was reached; see their logs in %s", e.Root.LogDir())
}

// newProgress shows the run's status line every so often, its wall budget counted from start.
func newProgress(w io.Writer, e *experiment.Experiment, start time.Time) *text.Progress {
	return text.NewProgress(w, func() (string, error) {
		st, err := population.Status(e.Store, time.Now())
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				e.Log.Warn("status", "err", err)
			}
			return "", err
		}
		cfg := e.Budgets()
		l := st.Control.Limits(cfg)
		cfg.MaxIndividuals, cfg.MaxFLOPs, cfg.MaxWall, cfg.WallStart = l.MaxIndividuals, l.MaxFLOPs, l.MaxWall, start
		d, ok := st.Remaining(cfg, time.Now())
		return text.ProgressLine(st, d, ok), nil
	})
}

// Summary is the final state of e for `evo run`'s last words: its status, and the fittest
// alive individual with its accuracy on the test split of d.
func Summary(ctx context.Context, e *experiment.Experiment, d *data.Dataset) (text.RunSummary, error) {
	st, err := population.Status(e.Store, time.Now())
	if err != nil {
		return text.RunSummary{}, err
	}
	s := text.RunSummary{Dir: e.Root.Dir(), Status: st}
	if st.Best.ID == "" {
		return s, nil
	}
	in, err := population.Show(e.Store, st.Best.ID)
	if err != nil {
		return text.RunSummary{}, err
	}
	s.Best = &in
	r, err := models.Eval(ctx, e, in, "test", func() (*data.Dataset, error) { return d, nil })
	if err != nil {
		return text.RunSummary{}, fmt.Errorf("test accuracy of %s: %w", st.Best.ID, err)
	}
	s.TestAccuracy, s.TestExamples = &r.Accuracy, r.Examples
	return s, nil
}
