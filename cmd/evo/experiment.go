package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/urfave/cli/v2"

	"evo/cmd/evo/internal/experiment"
	"evo/storage"
	"evo/train/data"
)

// openExperiment opens --dir, which must already be an experiment.
func openExperiment(c *cli.Context) (*experiment.Experiment, error) {
	dir := c.Path("dir")
	offset, err := clockOffset()
	if err != nil {
		return nil, err
	}
	e, err := experiment.Open(dir, storage.Options{Logger: newLogger(c), ClockOffset: offset},
		fmt.Sprintf("%s is not an experiment directory: create one with `evo init --dir %s` or `evo run --dir %s`", dir, dir, dir))
	if err != nil {
		return nil, err
	}
	useRecordedData(c, e.Cfg)
	return e, nil
}

// newLogger writes text logs to stderr at --log-level (info when the command has no such flag).
func newLogger(c *cli.Context) *slog.Logger {
	level := slog.LevelInfo // also for a command without the flag, or a level it does not know
	if err := level.UnmarshalText([]byte(c.String("log-level"))); err != nil {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(c.App.ErrWriter, &slog.HandlerOptions{Level: level}))
}

// loadData loads the experiment's data set from --data (or EVO_DATA, or the cache directory).
func loadData(ctx context.Context, c *cli.Context, name string, progress io.Writer) (*data.Dataset, error) {
	dir, err := data.Locate(c.Path("data"))
	if err != nil {
		return nil, err
	}
	return data.Load(ctx, name, data.Options{Dir: dir, Download: c.Bool("download"), Progress: progress})
}

// interrupted is true when err only says the command was interrupted.
func interrupted(err error) bool {
	return errors.Is(err, context.Canceled)
}
