// Package experiment is how evo's commands open an experiment directory and read its
// individuals, alive or dead: the genome from the population, the grave or a replay of the
// lineage; the weights from the population or the grave. It also adapts an experiment to
// the dashboard of `evo serve`, and reads the runs `evo compare` compares.
package experiment

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"evo/cmd/evo/internal/settings"
	"evo/population"
	"evo/storage"
)

// Experiment is an opened experiment directory and its config.
type Experiment struct {
	Root  *storage.Root
	Store population.Store
	Cfg   *settings.Config
	Log   *slog.Logger
}

// Open opens dir, which must already be an experiment; notExperiment is the message (what
// to do instead) when it is not one.
func Open(dir string, opts storage.Options, notExperiment string) (*Experiment, error) {
	root, err := storage.Open(dir, opts)
	if err != nil {
		if errors.Is(err, storage.ErrNotExperiment) {
			return nil, errors.New(notExperiment)
		}
		return nil, err
	}
	cfg, err := settings.Decode(root.Config())
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("%s/%w", dir, err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Experiment{Root: root, Store: population.FromStorage(root), Cfg: cfg, Log: log}, nil
}

// Close closes the directory.
func (e *Experiment) Close() error { return e.Root.Close() }

// Budgets is the population config with only the budget fields of experiment.json, which is
// all Remaining and Limits need (the data set is not loaded for them).
func (e *Experiment) Budgets() population.Config {
	return population.Config{
		MaxIndividuals: e.Cfg.MaxIndividuals,
		MaxFLOPs:       e.Cfg.MaxFLOPs,
		MaxWall:        time.Duration(e.Cfg.MaxWall),
	}
}
