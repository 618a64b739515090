package experiment

import (
	"fmt"
	"log/slog"
	"strings"

	"evo/population"
	"evo/storage"
)

// DirLabel is one DIR[=LABEL] argument of `evo compare` or `evo serve --compare`.
type DirLabel struct{ Dir, Label string }

// ParseDirLabels splits DIR[=LABEL] arguments; labels, when given, must be one per argument,
// in order, and override the labels in the arguments.
func ParseDirLabels(args, labels []string) ([]DirLabel, error) {
	if len(labels) > 0 && len(labels) != len(args) {
		return nil, fmt.Errorf("--label given %d times for %d directories: give one per directory, in order, or none", len(labels), len(args))
	}
	out := make([]DirLabel, len(args))
	for i, arg := range args {
		out[i].Dir, out[i].Label, _ = strings.Cut(arg, "=")
		if len(labels) > 0 {
			out[i].Label = labels[i]
		}
	}
	return out, nil
}

// CompareRun reads the curve of the experiment in dir for `evo compare`; label defaults to
// its arm (evolution, random, no-inheritance or aging).
func CompareRun(dir, label string, log *slog.Logger) (population.CompareRun, error) {
	e, err := Open(dir, storage.Options{Logger: log},
		fmt.Sprintf("%s is not an experiment directory (no experiment.json): give directories made by `evo run` or `evo init`", dir))
	if err != nil {
		return population.CompareRun{}, err
	}
	defer e.Close()
	curve, err := population.CurveOf(e.Store)
	if err != nil {
		return population.CompareRun{}, fmt.Errorf("%s: %w", dir, err)
	}
	if curve.Individuals == 0 {
		return population.CompareRun{}, fmt.Errorf("%s: no individual has been trained yet: nothing to compare", dir)
	}
	if label == "" {
		label = population.Arm(e.Cfg.Selection, !e.Cfg.InheritWeights)
	}
	return population.CompareRun{Dir: dir, Label: label, Dataset: e.Cfg.Dataset, Curve: curve, Best: curve.Best,
		BestID: curve.BestID, FLOPs: curve.FLOPs, Seconds: curve.Seconds, Count: curve.Individuals}, nil
}
