package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
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
	if !slices.Contains(data.Names(), name) {
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
