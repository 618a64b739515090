package main

import (
	"evo/cmd/evo/internal/experiment"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/settings"
	"evo/cmd/evo/internal/text"
	"evo/storage"
)

func initCommand() *cli.Command {
	return &cli.Command{
		Name:  "init",
		Usage: "create an experiment directory (experiment.json is written once and never changes)",
		Description: "Creates --dir with the settings of --preset, overridden by single flags. Several\n" +
			"processes may run init at once on a shared filesystem: all end with one config.\n" +
			"Running init again with the same settings is harmless; different settings are an error.",
		Flags:  flagsOf("init"),
		Action: runInit,
	}
}

func runInit(c *cli.Context) error {
	cfg, err := configFromFlags(c)
	if err != nil {
		return err
	}
	if c.IsSet("data") {
		err = cfg.RecordDataDir(c.Path("data"))
	}
	if err != nil {
		return withExitCode(exitCannotStart, err)
	}
	root, err := initExperiment(c, cfg)
	if err != nil {
		return err
	}
	defer root.Close()
	fmt.Fprintf(c.App.Writer, "experiment %s: preset %s, data set %s, population %d, %d steps per individual\n",
		root.Dir(), cfg.Preset, cfg.Dataset, cfg.Population, cfg.Steps)
	fmt.Fprintf(c.App.Writer, "budgets: individuals %s and FLOPs %s for the whole experiment, wall time %s for each run (change them later with `evo control --max-individuals/--max-flops/--max-wall`)\n",
		text.CountLimit(cfg.MaxIndividuals), text.FLOPsLimit(cfg.MaxFLOPs), text.WallLimit(time.Duration(cfg.MaxWall)))
	fmt.Fprintf(c.App.Writer, "start workers with `evo run --dir %s` (this machine) or `evo worker --dir %s` (clusters)\n", root.Dir(), root.Dir())
	return nil
}

// initExperiment creates or reopens --dir with cfg.
func initExperiment(c *cli.Context, cfg *settings.Config) (*storage.Root, error) {
	offset, err := clockOffset()
	if err != nil {
		return nil, err
	}
	return experiment.Init(c.Path("dir"), cfg, storage.Options{Logger: newLogger(c), ClockOffset: offset})
}
