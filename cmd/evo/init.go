package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/settings"
	"evo/cmd/evo/internal/text"
	"evo/storage"
	"evo/train/data"
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
	if err := recordDataDir(c, cfg); err != nil {
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
	if !validDataset(cfg.Dataset) {
		return nil, fmt.Errorf("unknown data set %q: choose one of %s", cfg.Dataset, strings.Join(data.Names(), ", "))
	}
	b, err := cfg.Encode()
	if err != nil {
		return nil, err
	}
	dir := c.Path("dir")
	offset, err := clockOffset()
	if err != nil {
		return nil, err
	}
	root, err := storage.Init(dir, b, storage.Options{Logger: newLogger(c), ClockOffset: offset})
	if errors.Is(err, storage.ErrConfigMismatch) {
		return nil, fmt.Errorf("%s already holds an experiment with other settings (see %s/experiment.json): use another --dir, or resume it with `evo run --dir %s` and no settings flags", dir, dir, dir)
	}
	return root, err
}

func validDataset(name string) bool {
	for _, n := range data.Names() {
		if n == name {
			return true
		}
	}
	return false
}
