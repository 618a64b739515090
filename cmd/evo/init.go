package main

import (
	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/experiment"
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
	text.Init(c.App.Writer, root.Dir(), cfg)
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
