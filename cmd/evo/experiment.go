package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"evo/genome"
	"evo/population"
	"evo/storage"
	"evo/train"
	"evo/train/data"
)

// experiment is an opened experiment directory and its config.
type experiment struct {
	root  *storage.Root
	store population.Store
	cfg   *experimentConfig
	log   *slog.Logger
}

// openExperiment opens --dir, which must already be an experiment.
func openExperiment(c *cli.Context) (*experiment, error) {
	dir := c.Path("dir")
	log := newLogger(c)
	offset, err := clockOffset()
	if err != nil {
		return nil, err
	}
	root, err := storage.Open(dir, storage.Options{Logger: log, ClockOffset: offset})
	if err != nil {
		if errors.Is(err, storage.ErrNotExperiment) {
			return nil, fmt.Errorf("%s is not an experiment directory: create one with `evo init --dir %s` or `evo run --dir %s`", dir, dir, dir)
		}
		return nil, err
	}
	cfg, err := decodeConfig(root.Config())
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("%s/%w", dir, err)
	}
	useRecordedData(c, cfg)
	return &experiment{root: root, store: population.FromStorage(root), cfg: cfg, log: log}, nil
}

func (e *experiment) Close() error { return e.root.Close() }

// newLogger writes text logs to stderr at --log-level (info when the command has no such flag).
func newLogger(c *cli.Context) *slog.Logger {
	level := slog.LevelInfo
	switch strings.ToLower(c.String("log-level")) {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
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

// populationConfig is the evolution's settings for a data set of the given shape.
func (cfg *experimentConfig) populationConfig(d *data.Dataset) population.Config {
	return population.Config{
		Seed:              cfg.Seed,
		Input:             genome.Shape{H: d.H, W: d.W, C: d.C},
		Classes:           d.Classes,
		PopulationSize:    cfg.Population,
		Selection:         cfg.Selection,
		TournamentSize:    cfg.TournamentSize,
		NoInheritance:     !cfg.InheritWeights,
		MutationsPerChild: cfg.MutationsPerChild,
		MaxIndividuals:    cfg.MaxIndividuals,
		MaxFLOPs:          cfg.MaxFLOPs,
		MaxWall:           time.Duration(cfg.MaxWall),
	}
}

// trainConfig is the training settings of every individual. experiment.json's 0 for momentum
// or weight decay means 0, which train.Config spells as a negative value (its 0 is "default").
func (cfg *experimentConfig) trainConfig(log *slog.Logger) train.Config {
	explicit := func(v float64) float64 {
		if v == 0 {
			return -1
		}
		return v
	}
	return train.Config{
		Steps:           cfg.Steps,
		BatchSize:       cfg.BatchSize,
		Momentum:        explicit(cfg.Momentum),
		WeightDecay:     explicit(cfg.WeightDecay),
		BNDecay:         cfg.BNDecay,
		MaxEvalExamples: cfg.MaxEvalExamples,
		MaxParams:       cfg.MaxParams,
		MaxStepFLOPs:    cfg.MaxStepFLOPs,
		Augment:         cfg.Augment,
		Logger:          log,
	}
}

// exitOnSignal is true when err only says the command was interrupted.
func interrupted(err error) bool {
	return errors.Is(err, context.Canceled)
}
