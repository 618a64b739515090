package experiment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"evo/cmd/evo/internal/settings"
	"evo/storage"
	"evo/train/data"
)

// Init creates the experiment dir with cfg, or reopens it when it holds the same settings.
func Init(dir string, cfg *settings.Config, opts storage.Options) (*storage.Root, error) {
	if !slices.Contains(data.Names(), cfg.Dataset) {
		return nil, fmt.Errorf("unknown data set %q: choose one of %s", cfg.Dataset, strings.Join(data.Names(), ", "))
	}
	b, err := cfg.Encode()
	if err != nil {
		return nil, err
	}
	root, err := storage.Init(dir, b, opts)
	if errors.Is(err, storage.ErrConfigMismatch) {
		return nil, fmt.Errorf("%s already holds an experiment with other settings (see %s/experiment.json): use another --dir, or resume it with `evo run --dir %s` and no settings flags", dir, dir, dir)
	}
	return root, err
}

// CheckResume refuses to resume e with settings want (from flags) that differ from its
// experiment.json in anything but where the data lives.
func (e *Experiment) CheckResume(want *settings.Config) error {
	dir := e.Root.Dir()
	same, err := want.SameEvolution(e.Cfg)
	if err != nil {
		return fmt.Errorf("%s/experiment.json: %w", dir, err)
	}
	if !same {
		return fmt.Errorf("%s already holds an experiment with other settings (see %s/experiment.json): resume it with `evo run --dir %s` and no settings flags, or use another --dir", dir, dir, dir)
	}
	return nil
}

// WorkerData loads the data set of a worker from dir. With a data directory recorded in
// experiment.json it never downloads: the data set was staged once by `evo data`, and a worker
// that does not find it must not start fetching its own copy next to hundreds of others.
// Without one, it downloads a missing data set when download is true.
func (e *Experiment) WorkerData(ctx context.Context, dir string, download bool, progress io.Writer) (*data.Dataset, error) {
	if e.Cfg.DataDir == "" {
		return data.Load(ctx, e.Cfg.Dataset, data.Options{Dir: dir, Download: download, Progress: progress})
	}
	d, err := data.Load(ctx, e.Cfg.Dataset, data.Options{Dir: dir, Progress: progress})
	if errors.Is(err, data.ErrMissing) {
		return nil, fmt.Errorf("data set %s is missing from %s (recorded in %s/experiment.json): stage it once with `evo data --data %s --dataset %s`, then start the workers again: %w",
			e.Cfg.Dataset, dir, e.Root.Dir(), dir, e.Cfg.Dataset, err)
	}
	return d, err
}
