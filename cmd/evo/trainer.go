package main

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

// gorgoniaTrainer adapts evo/train to population.Trainer.
type gorgoniaTrainer struct {
	data *data.Dataset
	cfg  train.Config
	log  *slog.Logger
}

func (t *gorgoniaTrainer) Train(ctx context.Context, job population.Job) (population.Outcome, error) {
	var parent *checkpoint.Checkpoint
	if job.Parent != nil {
		var err error
		if parent, err = checkpoint.Read(bytes.NewReader(job.Parent), checkpoint.Limits{}); err != nil {
			return population.Outcome{}, fmt.Errorf("parent checkpoint: %w", err)
		}
	}
	cfg := t.cfg
	cfg.Seed = job.Seed
	res, err := train.Train(ctx, job.Genome, parent, t.data, cfg, job.Out)
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
