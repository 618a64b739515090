package settings

import (
	"log/slog"
	"time"

	"evo/genome"
	"evo/population"
	"evo/train"
	"evo/train/data"
)

// PopulationConfig is the evolution's settings for a data set of the given shape.
func (cfg *Config) PopulationConfig(d *data.Dataset) population.Config {
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

// TrainConfig is the training settings of every individual. experiment.json's 0 for momentum
// or weight decay means 0, which train.Config spells as a negative value (its 0 is "default").
func (cfg *Config) TrainConfig(log *slog.Logger) train.Config {
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
