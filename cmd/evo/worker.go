package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/models"
	"evo/cmd/evo/internal/procs"
	"evo/population"
	"evo/storage"
	"evo/train/data"
)

func workerCommand() *cli.Command {
	return &cli.Command{
		Name:  "worker",
		Usage: "run one worker on an existing experiment (for clusters: start as many as you like, anywhere)",
		Description: "A worker evolves the shared population until a budget is reached (experiment.json's, or\n" +
			"control.json's when `evo control --max-...` set one), a stop is requested (`evo control --stop`),\n" +
			"or it receives SIGINT/SIGTERM, and says why it stopped. --max-individuals and --max-flops count\n" +
			"the whole experiment; --max-wall counts this worker's own run, so starting it again (a Slurm\n" +
			"resubmission a day later) continues. Workers may be killed at any moment: at most the child\n" +
			"being trained is lost, and the garbage collector reclaims its files. Logs go to stderr.\n\n" + workerExitCodes,
		Flags:        flagsOf("worker"),
		Action:       runWorkerExit,
		OnUsageError: usageExit,
	}
}

func runWorker(c *cli.Context) error {
	if n := c.Int("threads"); n > 0 {
		runtime.GOMAXPROCS(n)
	}
	ctx, cancel := context.WithCancel(c.Context)
	defer cancel()
	if err := procs.WatchParent(ctx, cancel); err != nil {
		return err
	}
	e, err := openExperiment(c)
	if err != nil {
		return withExitCode(exitCannotStart, err)
	}
	defer e.Close()
	dir, err := data.Locate(c.Path("data"))
	if err != nil {
		return withExitCode(exitCannotStart, err)
	}
	d, err := e.WorkerData(c.Context, dir, c.Bool("download"), c.App.ErrWriter)
	if err != nil {
		return withExitCode(exitCannotStart, err)
	}
	name := c.String("name")
	if name == "" {
		name = storage.NewWorkerID()
	}
	log := e.Log.With("worker", name) // population.NewWorker adds worker= to its own lines
	pcfg := e.Cfg.PopulationConfig(d)
	if t := c.Timestamp("wall-start"); t != nil {
		pcfg.WallStart = *t
	}
	pcfg.ControlPoll = c.Duration("control-poll")
	trainer := &models.Trainer{Data: d, Cfg: e.Cfg.TrainConfig(log), Log: log}
	w, err := population.NewWorker(e.Store, trainer, pcfg, name, e.Log, time.Now)
	if err != nil {
		return withExitCode(exitCannotStart, err)
	}
	log.Info("worker starting", "dir", e.Root.Dir(), "dataset", d.Name, "seed", w.Seed(),
		"threads", runtime.GOMAXPROCS(0), "pid", os.Getpid())
	err = w.Run(ctx)
	if interrupted(err) {
		log.Info("worker stopped by signal or by the end of its parent")
		fmt.Fprintf(c.App.ErrWriter, "evo: worker %s stopped: %s\n", name, w.StopMessage())
		return nil
	}
	if err != nil {
		return fmt.Errorf("worker %s: %w", name, err)
	}
	fmt.Fprintf(c.App.ErrWriter, "evo: worker %s stopped: %s\n", name, w.StopMessage())
	return nil
}
