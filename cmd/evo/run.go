package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/experiment"
	"evo/cmd/evo/internal/runner"
	"evo/cmd/evo/internal/text"
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
	budgets, blocked, err := runner.Preflight(e)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.ErrWriter, "evo: budgets: %s\n", budgets)
	if blocked != "" {
		fmt.Fprintf(c.App.ErrWriter, "evo: %s\n", blocked)
		return summarise(ctx, c, e, d)
	}

	runStart := time.Now().UTC()
	runErr := runner.Run(ctx, e, runner.Options{Workers: n, GCEvery: c.Duration("gc-every"),
		GC:       storage.GCOptions{MaxGraveyardBytes: c.Int64("max-graveyard-bytes")},
		Progress: c.App.ErrWriter, Start: runStart,
		Args: func(name string) []string {
			return []string{"worker", "--dir", e.Root.Dir(), "--data", dataDir, "--download=false", "--name", name,
				"--threads", strconv.Itoa(c.Int("threads")), "--log-level", c.String("log-level"),
				"--wall-start", runStart.Format(time.RFC3339Nano)}
		}})
	fmt.Fprintf(c.App.ErrWriter, "evo: stopped: %s\n", runner.WhyStopped(ctx, e, runStart))
	if err := summarise(context.WithoutCancel(ctx), c, e, d); err != nil {
		return err
	}
	return runErr
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
			if err := e.CheckResume(want); err != nil {
				e.Close()
				return nil, err
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
	s, err := runner.Summary(ctx, e, d)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return printJSON(c, s)
	}
	return text.Summary(c.App.Writer, s)
}
