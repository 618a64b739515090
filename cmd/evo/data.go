package main

import (
	"errors"
	"evo/cmd/evo/internal/experiment"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/settings"
	"evo/train/data"
)

func dataCommand() *cli.Command {
	return &cli.Command{
		Name:  "data",
		Usage: "stage a data set once into a data directory on shared storage (download and md5 check)",
		Description: "Downloads the data set into --data when it is not there (CIFAR-10/100 from their official\n" +
			"archives, md5-verified, unpacked into a temporary directory and published with one rename,\n" +
			"so concurrent runs cannot tear it), then reads it once to prove it loads. MNIST and\n" +
			"Fashion-MNIST are not downloaded: put their idx files there yourself; digits is built in.\n" +
			"Then record the directory in the experiment: `evo init --dir EXP --data DIR ...`. Workers\n" +
			"of that experiment read the data from DIR and never download.",
		Flags:  flagsOf("data"),
		Action: runData,
	}
}

func runData(c *cli.Context) error {
	dir, err := filepath.Abs(c.Path("data"))
	if err != nil {
		return fmt.Errorf("--data %s: %w", c.Path("data"), err)
	}
	name := c.String("dataset")
	if !validDataset(name) {
		return fmt.Errorf("--dataset %q: choose one of %s", name, strings.Join(data.Names(), ", "))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--data %s: %w", dir, err)
	}
	d, err := data.Load(c.Context, name, data.Options{Dir: dir, Download: true, Progress: c.App.ErrWriter, Logger: newLogger(c)})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "data set %s ready in %s: %d train / %d validation / %d test examples\n",
		d.Name, dir, d.Train.Len(), d.Val.Len(), d.Test.Len())
	fmt.Fprintf(c.App.Writer, "record it in an experiment with `evo init --dir EXP --dataset %s --data %s`\n", name, dir)
	return nil
}

// recordDataDir puts `evo init --data` into cfg as an absolute path that must exist.
func recordDataDir(c *cli.Context, cfg *settings.Config) error {
	if !c.IsSet("data") {
		return nil
	}
	dir, err := filepath.Abs(c.Path("data"))
	if err != nil {
		return fmt.Errorf("--data %s: %w", c.Path("data"), err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("--data %s is not a directory: stage the data set first with `evo data --data %s --dataset %s`", dir, dir, cfg.Dataset)
	}
	cfg.DataDir = dir
	return nil
}

// useRecordedData makes the experiment's recorded data directory the default of --data for
// commands that have that flag; an explicit --data or EVO_DATA still wins.
func useRecordedData(c *cli.Context, cfg *settings.Config) {
	if cfg.DataDir == "" || c.Path("data") != "" {
		return
	}
	for _, f := range c.Command.Flags {
		if f.Names()[0] == "data" {
			_ = c.Set("data", cfg.DataDir)
			return
		}
	}
}

// workerData loads the data set of a worker. With a recorded data directory it never
// downloads: the data set was staged once by `evo data`, and a worker that does not find it
// must not start fetching its own copy next to hundreds of others.
func workerData(c *cli.Context, e *experiment.Experiment) (*data.Dataset, error) {
	if e.Cfg.DataDir == "" {
		return loadData(c.Context, c, e.Cfg.Dataset, c.App.ErrWriter)
	}
	dir := c.Path("data")
	d, err := data.Load(c.Context, e.Cfg.Dataset, data.Options{Dir: dir, Progress: c.App.ErrWriter})
	if errors.Is(err, data.ErrMissing) {
		return nil, fmt.Errorf("data set %s is missing from %s (recorded in %s/experiment.json): stage it once with `evo data --data %s --dataset %s`, then start the workers again: %w",
			e.Cfg.Dataset, dir, e.Root.Dir(), dir, e.Cfg.Dataset, err)
	}
	return d, err
}
