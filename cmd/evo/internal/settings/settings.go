// Package settings is the experiment's settings file, experiment.json: what `evo init` writes
// once and every worker reads, the presets it starts from, and the population and training
// configurations derived from it.
package settings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"evo/population"
	"evo/train"
)

// Config is what `evo init` writes to experiment.json, once. Every worker of the
// experiment reads it, so all of them evolve with the same settings: the paper's population,
// selection and mutation settings, its training schedule, and this project's resource caps and
// budgets.
type Config struct {
	FormatVersion int `json:"format_version"`
	// Preset is the name of the preset the config started from (informational).
	Preset string `json:"preset"`
	// Dataset is one of data.Names(): digits, cifar10, cifar100, mnist, fashion-mnist.
	Dataset string `json:"dataset"`
	// Seed is the experiment seed; every random choice derives from it and the child's id.
	Seed int64 `json:"seed"`

	// Population is the set-point P (paper: 1,000).
	Population int `json:"population"`
	// Selection is "tournament" (the paper), "aging" (Real et al. 2019) or "random" (the
	// random-search control: no selection).
	Selection string `json:"selection"`
	// TournamentSize is S for aging selection (ignored otherwise).
	TournamentSize int `json:"tournament_size,omitempty"`
	// InheritWeights is false for the paper's no-inheritance control.
	InheritWeights bool `json:"inherit_weights"`
	// MutationsPerChild is the initial mutation count per reproduction (live control can change it).
	MutationsPerChild int `json:"mutations_per_child"`

	// Steps is T, SGD steps per individual (paper: 25,600).
	Steps int `json:"steps"`
	// BatchSize is the training batch (paper: 50).
	BatchSize int `json:"batch_size"`
	// Momentum, WeightDecay and BNDecay of SGD and batch norm. A 0 means 0 (momentum 0 is
	// plain SGD, weight decay 0 none); a file without momentum or weight_decay gets the
	// defaults 0.9 and 1e-4 (Decode), and `evo init` always writes both.
	Momentum    float64 `json:"momentum"`
	WeightDecay float64 `json:"weight_decay"`
	BNDecay     float64 `json:"bn_decay"`
	// Augment turns on pad-4 random crop and horizontal flip (32×32 colour sets only).
	Augment bool `json:"augment"`
	// MaxEvalExamples caps the validation examples per fitness evaluation (0 = all).
	MaxEvalExamples int `json:"max_eval_examples,omitempty"`
	// MaxParams and MaxStepFLOPs: a child above either is a failed reproduction ("too-large");
	// a resource cap, not part of the algorithm (0 = no cap).
	MaxParams    int64 `json:"max_params,omitempty"`
	MaxStepFLOPs int64 `json:"max_step_flops,omitempty"`

	// Budget: the run stops when any is reached (0 = no limit).
	MaxIndividuals int      `json:"max_individuals,omitempty"`
	MaxFLOPs       float64  `json:"max_flops,omitempty"`
	MaxWall        Duration `json:"max_wall,omitempty"`

	// DataDir is the data root staged once by `evo data` and recorded by `evo init --data`
	// (an absolute path on shared storage). Workers read the data set from it and never
	// download; "" means each process finds its data itself (--data, EVO_DATA, cache).
	DataDir string `json:"data_dir,omitempty"`
}

// Duration is a time.Duration that reads and writes as "1h30m" in JSON: the population
// control's type, so experiment.json and control.json write budgets alike.
type Duration = population.Duration

// FormatVersion is the version of experiment.json this package reads and writes.
const FormatVersion = 1

// Presets are starting points for `evo init` and `evo run`; flags override single fields.
var Presets = map[string]Config{
	// digits: the embedded 8×8 handwritten digits, sized so `evo run` ends within about three
	// minutes on two cores.
	"digits": {
		Dataset: "digits", Population: 20, Selection: "tournament", InheritWeights: true,
		MutationsPerChild: 1, Steps: 150, BatchSize: 50, Momentum: 0.9, WeightDecay: 1e-4,
		BNDecay: 0.9, MaxParams: 2_000_000, MaxStepFLOPs: 2e9,
		MaxWall: Duration(150 * time.Second),
	},
	// cifar10: the paper's settings (population 1,000, 25,600 steps of batch 50). About 9e19 FLOPs in the paper's runs.
	"cifar10": {
		Dataset: "cifar10", Population: 1000, Selection: "tournament", InheritWeights: true,
		MutationsPerChild: 1, Steps: 25600, BatchSize: 50, Momentum: 0.9, WeightDecay: 1e-4,
		BNDecay: 0.9, Augment: true, MaxParams: 50_000_000, MaxStepFLOPs: 2e12,
	},
	// cifar100: as cifar10 on CIFAR-100 (paper: 2e20 FLOPs).
	"cifar100": {
		Dataset: "cifar100", Population: 1000, Selection: "tournament", InheritWeights: true,
		MutationsPerChild: 1, Steps: 25600, BatchSize: 50, Momentum: 0.9, WeightDecay: 1e-4,
		BNDecay: 0.9, Augment: true, MaxParams: 50_000_000, MaxStepFLOPs: 2e12,
	},
	// cifar10-small: a reduced CIFAR-10 run for one machine (fewer steps and individuals).
	"cifar10-small": {
		Dataset: "cifar10", Population: 50, Selection: "tournament", InheritWeights: true,
		MutationsPerChild: 1, Steps: 400, BatchSize: 50, Momentum: 0.9, WeightDecay: 1e-4,
		BNDecay: 0.9, Augment: true, MaxEvalExamples: 5000, MaxParams: 5_000_000, MaxStepFLOPs: 5e10,
	},
	"mnist": {
		Dataset: "mnist", Population: 100, Selection: "tournament", InheritWeights: true,
		MutationsPerChild: 1, Steps: 2000, BatchSize: 50, Momentum: 0.9, WeightDecay: 1e-4,
		BNDecay: 0.9, MaxParams: 5_000_000, MaxStepFLOPs: 5e10,
	},
	"fashion-mnist": {
		Dataset: "fashion-mnist", Population: 100, Selection: "tournament", InheritWeights: true,
		MutationsPerChild: 1, Steps: 2000, BatchSize: 50, Momentum: 0.9, WeightDecay: 1e-4,
		BNDecay: 0.9, MaxParams: 5_000_000, MaxStepFLOPs: 5e10,
	},
}

// PresetNames lists the presets, sorted.
func PresetNames() []string {
	var names []string
	for n := range Presets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Preset returns the named preset as a complete config (format version, preset name, seed 1).
func Preset(name string) (Config, error) {
	c, ok := Presets[name]
	if !ok {
		return Config{}, fmt.Errorf("unknown preset %q: choose one of %s", name, strings.Join(PresetNames(), ", "))
	}
	c.FormatVersion = FormatVersion
	c.Preset = name
	c.Seed = 1
	return c, nil
}

// Validate reports the first field that is out of range, by its JSON name.
func (c *Config) Validate() error {
	switch {
	case c.FormatVersion != FormatVersion:
		return fmt.Errorf("format_version %d: this evo reads version %d", c.FormatVersion, FormatVersion)
	case c.Dataset == "":
		return fmt.Errorf("dataset is empty")
	case c.Population < 2:
		return fmt.Errorf("population %d: need at least 2 for a tournament", c.Population)
	case c.Selection != "tournament" && c.Selection != "aging" && c.Selection != "random":
		return fmt.Errorf("selection %q: use tournament, aging or random", c.Selection)
	case c.Selection == "aging" && (c.TournamentSize < 2 || c.TournamentSize > c.Population):
		return fmt.Errorf("tournament_size %d: aging selection needs 2 ≤ S ≤ population (%d)", c.TournamentSize, c.Population)
	case c.MutationsPerChild < 1:
		return fmt.Errorf("mutations_per_child %d: must be at least 1", c.MutationsPerChild)
	case c.Steps < 1:
		return fmt.Errorf("steps %d: must be at least 1", c.Steps)
	case c.BatchSize < 1:
		return fmt.Errorf("batch_size %d: must be at least 1", c.BatchSize)
	case c.Momentum < 0 || c.Momentum >= 1:
		return fmt.Errorf("momentum %g: must be in [0, 1)", c.Momentum)
	case c.WeightDecay < 0:
		return fmt.Errorf("weight_decay %g: must be ≥ 0", c.WeightDecay)
	case c.BNDecay <= 0 || c.BNDecay >= 1:
		return fmt.Errorf("bn_decay %g: must be in (0, 1)", c.BNDecay)
	case c.MaxIndividuals < 0 || c.MaxFLOPs < 0 || c.MaxWall < 0:
		return fmt.Errorf("budgets must not be negative")
	}
	return nil
}

// Encode returns the canonical bytes written to experiment.json.
func (c *Config) Encode() ([]byte, error) {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Decode strictly parses experiment.json.
func Decode(b []byte) (*Config, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	// Fields the file leaves out keep these values: the defaults. Fields it sets, 0 included,
	// replace them.
	c := Config{Momentum: train.DefaultMomentum, WeightDecay: train.DefaultWeightDecay}
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("experiment.json: %w (the file is written by `evo init`; do not edit it by hand)", err)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("experiment.json: %w", err)
	}
	return &c, nil
}

// PerPreset describes a setting's default across the presets: "150", or "digits 20,
// cifar10-small 50, others 1000" when they differ (the value most presets share is "others").
func PerPreset(value func(Config) string) string {
	names := PresetNames()
	freq := map[string]int{}
	for _, n := range names {
		freq[value(Presets[n])]++
	}
	common := ""
	for v, k := range freq {
		if k > freq[common] || (k == freq[common] && v < common) {
			common = v
		}
	}
	if len(freq) == 1 {
		return common
	}
	var parts []string
	for _, n := range names {
		if v := value(Presets[n]); v != common {
			parts = append(parts, n+" "+v)
		}
	}
	return strings.Join(parts, ", ") + ", others " + common
}
