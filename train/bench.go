package train

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"gorgonia.org/tensor"

	"evo/genome"
	"evo/train/data"
)

// StepTiming is the measured speed of training steps (see TimeSteps).
type StepTiming struct {
	// Steps is the number of timed steps; PerStep their mean wall time.
	Steps   int
	PerStep time.Duration
	// StepFLOPs is the measured FLOPs of one step (as Result.StepFLOPs).
	StepFLOPs int64
	// PeakRSS is the process's peak resident set size in bytes afterwards.
	PeakRSS int64
}

// TimeSteps builds the training model of g, runs warmup untimed SGD steps and then steps timed
// ones on minibatches of d's training split, exactly as Train does (without evaluation or
// checkpointing). It serves the benchmark harness (cmd/evo-bench).
func TimeSteps(ctx context.Context, g *genome.Genome, d *data.Dataset, cfg Config, warmup, steps int) (StepTiming, error) {
	if err := cfg.Validate(); err != nil {
		return StepTiming{}, err
	}
	if err := checkInputs(g, d); err != nil {
		return StepTiming{}, err
	}
	if warmup < 0 || steps < 1 {
		return StepTiming{}, fmt.Errorf("train: warmup %d and steps %d: want ≥ 0 and ≥ 1: %w", warmup, steps, ErrConfig)
	}
	c := cfg.withDefaults()
	specs, _ := g.Tensors()
	rng := rand.New(rand.NewPCG(uint64(c.Seed), 0))
	st, _ := initialState(specs, nil, rng)
	m, err := buildModel(g, buildSpec{batch: c.BatchSize, dtype: tensor.Float32, training: true, bnDecay: c.BNDecay, bnEps: c.BNEpsilon})
	if err != nil {
		return StepTiming{}, err
	}
	defer m.close()
	if err := m.setState(st); err != nil {
		return StepTiming{}, err
	}
	params, _ := g.Params()
	res := Result{Status: StatusOK}
	c.Steps = warmup
	if warmup > 0 {
		if err := fit(ctx, m, g, d, c, rng, &res); err != nil {
			return StepTiming{}, err
		}
	}
	c.Steps = steps
	t0 := c.Now()
	if err := fit(ctx, m, g, d, c, rng, &res); err != nil {
		return StepTiming{}, err
	}
	el := c.Now().Sub(t0)
	return StepTiming{Steps: steps, PerStep: el / time.Duration(steps),
		StepFLOPs: graphFLOPs(m.g).Total() + sgdFLOPsPerParam*params, PeakRSS: readUsage().peakRSS}, nil
}
