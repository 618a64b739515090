package main

import (
	"context"
	"errors"
	"evo/cmd/evo/internal/experiment"
	"evo/cmd/evo/internal/models"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/procs"
	"evo/cmd/evo/internal/text"
	"evo/population"
	"evo/storage"
	"evo/train/data"
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:  "run",
		Usage: "the main job: create or resume an experiment and evolve it with N workers on this machine",
		Description: "Creates --dir from --preset (default: the built-in digits data set, about three minutes on\n" +
			"two cores) or resumes it if it exists, starts --workers worker processes and a garbage\n" +
			"collector, shows progress, and stops at a budget or on Ctrl-C, saying why. It then prints the\n" +
			"best individual and its test accuracy. Run it again to resume: nothing published is lost.\n" +
			"--max-wall counts each run of this command, so running it again always makes progress;\n" +
			"--max-individuals and --max-flops count the experiment's totals: when one is reached, raise\n" +
			"it with `evo control --max-individuals N` (or --max-flops), live or before the next run.\n" +
			"The workers end when this command ends, however it ends. Worker logs go to DIR/logs/.",
		Flags:  flagsOf("run"),
		Action: runRun,
	}
}

func runRun(c *cli.Context) error {
	ctx := c.Context
	deprecatedEnv(c.App.ErrWriter, "EVO_THREADS", "EVO_RUN_THREADS", "evo run --threads")
	deprecatedEnv(c.App.ErrWriter, "EVO_GC_EVERY", "EVO_RUN_GC_EVERY", "evo run --gc-every")
	e, err := createOrResume(c)
	if err != nil {
		return err
	}
	defer e.Close()
	// Load (and if needed download) the data once here, so the workers do not race to fetch it.
	d, err := loadData(ctx, c, e.Cfg.Dataset, c.App.ErrWriter)
	if err != nil {
		return err
	}
	dataDir, err := data.Locate(c.Path("data"))
	if err != nil {
		return err
	}
	n := c.Int("workers")
	if n < 1 {
		return fmt.Errorf("--workers %d: need at least 1", n)
	}
	fmt.Fprintf(c.App.ErrWriter, "evo: %s on %s (%d train / %d validation / %d test), population %d, %d steps per individual, %d workers × %d threads\n",
		e.Root.Dir(), d.Name, d.Train.Len(), d.Val.Len(), d.Test.Len(), e.Cfg.Population, e.Cfg.Steps, n, c.Int("threads"))

	// A budget of the experiment's totals that is already reached, or a stop in force, ends the
	// run before any worker starts: say so, with the numbers and how to go on.
	st, err := population.Status(e.Store, time.Now())
	if err != nil {
		return err
	}
	lim := st.Control.Limits(e.Budgets())
	fmt.Fprintf(c.App.ErrWriter, "evo: budgets: %s\n", text.BudgetLine(lim, st.Trained, st.FLOPsTotal))
	if st.Control.Stop {
		fmt.Fprintf(c.App.ErrWriter, "evo: not started: %s\n", population.StopMessage(population.StopControl, lim, st.Trained, st.FLOPsTotal))
		return summarise(ctx, c, e, d)
	}
	if reason, msg := lim.Reached(st.Trained, st.FLOPsTotal, 0); reason != "" {
		fmt.Fprintf(c.App.ErrWriter, "evo: nothing to do: %s\n", msg)
		return summarise(ctx, c, e, d)
	}

	runStart := time.Now().UTC()
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- procs.Supervise(runCtx, e.Log, i, e.Root.LogDir(), func(name string) []string {
				return []string{"worker", "--dir", e.Root.Dir(), "--data", dataDir, "--download=false", "--name", name,
					"--threads", strconv.Itoa(c.Int("threads")), "--log-level", c.String("log-level"),
					"--wall-start", runStart.Format(time.RFC3339Nano)}
			})
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	go population.CollectLoop(runCtx, e.Root, c.Duration("gc-every"), storage.GCOptions{MaxGraveyardBytes: c.Int64("max-graveyard-bytes")}, e.Log)

	progress := newProgress(c.App.ErrWriter, e, runStart)
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
	fmt.Fprintf(c.App.ErrWriter, "evo: stopped: %s\n", whyStopped(ctx, e, runStart))
	if err := summarise(context.WithoutCancel(ctx), c, e, d); err != nil {
		return err
	}
	return firstErr
}

// whyStopped says why the workers of a run ended, from what the experiment says now.
func whyStopped(ctx context.Context, e *experiment.Experiment, runStart time.Time) string {
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

// createOrResume initialises --dir, or reopens it when it already holds an experiment. Config
// flags given for an existing experiment must agree with its experiment.json.
func createOrResume(c *cli.Context) (*experiment.Experiment, error) {
	dir := c.Path("dir")
	if storage.IsExperiment(dir) {
		e, err := openExperiment(c)
		if err != nil {
			return nil, err
		}
		if flagsGiven(c) {
			want, err := configFromFlags(c)
			if err != nil {
				e.Close()
				return nil, err
			}
			want.DataDir = e.Cfg.DataDir // where the data lives is not a setting of the evolution
			a, errA := want.Encode()
			b, errB := e.Cfg.Encode()
			if err := errors.Join(errA, errB); err != nil {
				e.Close()
				return nil, fmt.Errorf("compare the settings with %s/experiment.json: %w", dir, err)
			}
			if string(a) != string(b) {
				e.Close()
				return nil, fmt.Errorf("%s already holds an experiment with other settings (see %s/experiment.json): resume it with `evo run --dir %s` and no settings flags, or use another --dir", dir, dir, dir)
			}
		}
		fmt.Fprintf(c.App.ErrWriter, "evo: resuming %s\n", dir)
		return e, nil
	}
	cfg, err := configFromFlags(c)
	if err != nil {
		return nil, err
	}
	root, err := initExperiment(c, cfg)
	if err != nil {
		return nil, err
	}
	root.Close()
	return openExperiment(c)
}

func flagsGiven(c *cli.Context) bool {
	for _, f := range configFlags() {
		if c.IsSet(f.Names()[0]) {
			return true
		}
	}
	return false
}

// summarise prints the final state, the best individual and its test accuracy.
func summarise(ctx context.Context, c *cli.Context, e *experiment.Experiment, d *data.Dataset) error {
	st, err := population.Status(e.Store, time.Now())
	if err != nil {
		return err
	}
	s := text.RunSummary{Dir: e.Root.Dir(), Status: st}
	if st.Best.ID != "" {
		in, err := population.Show(e.Store, st.Best.ID)
		if err != nil {
			return err
		}
		s.Best = &in
		r, err := models.Eval(ctx, e, in, d, "test")
		if err != nil {
			return fmt.Errorf("test accuracy of %s: %w", st.Best.ID, err)
		}
		s.TestAccuracy, s.TestExamples = &r.Accuracy, r.Examples
	}
	if c.Bool("json") {
		return printJSON(c, s)
	}
	return text.Summary(c.App.Writer, s)
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
