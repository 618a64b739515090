// Package models is evo's commands' use of evo/train on an experiment's individuals: the
// trainer a worker hands to the population, and the accuracy of one individual (`evo eval`)
// or of the majority vote of the fittest ones (`evo ensemble`) on a split of the data set.
package models

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"

	"evo/population"
	"evo/train"
	"evo/train/checkpoint"
	"evo/train/data"
)

// Trainer adapts evo/train to population.Trainer.
type Trainer struct {
	Data *data.Dataset
	Cfg  train.Config
	Log  *slog.Logger
}

// Train trains job's genome from its parent's checkpoint (none: fresh weights), seeded by job.
func (t *Trainer) Train(ctx context.Context, job population.Job) (population.Outcome, error) {
	var parent *checkpoint.Checkpoint
	if job.Parent != nil {
		var err error
		if parent, err = checkpoint.Read(bytes.NewReader(job.Parent), checkpoint.Limits{}); err != nil {
			return population.Outcome{}, fmt.Errorf("parent checkpoint: %w", err)
		}
	}
	cfg := t.Cfg
	cfg.Seed = job.Seed
	res, err := train.Train(ctx, job.Genome, parent, t.Data, cfg, job.Out)
	if err != nil {
		return population.Outcome{}, err
	}
	return population.Outcome{
		Fitness:           res.Fitness,
		Status:            res.Status,
		Reason:            res.Reason,
		Steps:             res.Steps,
		FinalLoss:         res.FinalLoss,
		StepFLOPs:         res.StepFLOPs,
		EvalBatchFLOPs:    res.EvalBatchFLOPs,
		EvalBatches:       res.EvalBatches,
		Wall:              res.Wall,
		CPU:               res.CPU,
		PeakRSS:           res.PeakRSS,
		InheritedFraction: res.Inheritance.Fraction,
		Inherited:         res.Inheritance.Inherited,
		Reinitialised:     res.Inheritance.Reinitialised,
	}, nil
}
