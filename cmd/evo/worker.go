package main

import (
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/urfave/cli/v2"

	"evo/population"
	"evo/storage"
)

func workerCommand() *cli.Command {
	return &cli.Command{
		Name:  "worker",
		Usage: "run one worker on an existing experiment (for clusters: start as many as you like, anywhere)",
		Description: "A worker evolves the shared population until a budget in experiment.json is reached, a\n" +
			"stop is requested (`evo control --stop`), or it receives SIGINT/SIGTERM. Workers may be\n" +
			"killed at any moment: at most the child being trained is lost, and the garbage collector\n" +
			"reclaims its files. Logs go to stderr.\n\n" + workerExitCodes,
		Flags:        []cli.Flag{dirFlag, dataFlag, downloadFlag, nameFlag, threadsFlag, logLevelFlag},
		Action:       runWorkerExit,
		OnUsageError: usageExit,
	}
}

func runWorker(c *cli.Context) error {
	if n := c.Int("threads"); n > 0 {
		runtime.GOMAXPROCS(n)
	}
	e, err := openExperiment(c)
	if err != nil {
		return withExitCode(exitCannotStart, err)
	}
	defer e.Close()
	d, err := workerData(c, e)
	if err != nil {
		return withExitCode(exitCannotStart, err)
	}
	name := c.String("name")
	if name == "" {
		name = storage.NewWorkerID()
	}
	log := e.log.With("worker", name)
	pcfg := e.cfg.populationConfig(d)
	trainer := &gorgoniaTrainer{data: d, cfg: e.cfg.trainConfig(log), log: log}
	w, err := population.NewWorker(e.store, trainer, pcfg, name, log, time.Now)
	if err != nil {
		return withExitCode(exitCannotStart, err)
	}
	log.Info("worker starting", "dir", e.root.Dir(), "dataset", d.Name, "seed", w.Seed(),
		"threads", runtime.GOMAXPROCS(0), "pid", os.Getpid())
	err = w.Run(c.Context)
	if interrupted(err) {
		log.Info("worker stopped by signal")
		return nil
	}
	if err != nil {
		return fmt.Errorf("worker %s: %w", name, err)
	}
	return nil
}
