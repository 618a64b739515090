package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"

	"gorgonia.org/tensor"

	"evo/genome"
	"evo/train/checkpoint"
	"evo/train/data"
)

// Train trains g for cfg.Steps SGD steps on d's training split, starting from parent's tensors
// wherever the stable ID and the shape match (nil parent: fresh He-normal initialisation
// everywhere), evaluates the result on d's validation split (the fitness), and writes the trained
// checkpoint to out (out may be nil to write nothing).
//
// Outcomes that belong to the individual are a Result with a nil error: Status "too-large"
// (over cfg.MaxParams or cfg.MaxStepFLOPs: nothing trained or written) and "diverged" (NaN or
// ±Inf in the loss, a weight or a logit: Fitness 0, Reason set, and the starting tensors
// written to out so that a child of it never inherits non-finite values). Bad inputs, a bad
// config and cancellation are errors. ctx is checked before every step.
func Train(ctx context.Context, g *genome.Genome, parent *checkpoint.Checkpoint, d *data.Dataset, cfg Config, out io.Writer) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	c := cfg.withDefaults()
	t0, u0 := c.Now(), readUsage()
	res, err := train(ctx, g, parent, d, c, out)
	u1 := readUsage()
	res.Wall, res.CPU, res.PeakRSS = c.Now().Sub(t0), u1.cpu-u0.cpu, u1.peakRSS
	if err == nil {
		c.Logger.Info("train: done", "status", res.Status, "fitness", res.Fitness, "loss", res.FinalLoss,
			"steps", res.Steps, "params", res.Params, "inherited", res.Inheritance.Fraction,
			"wall", res.Wall, "reason", res.Reason)
	}
	return res, err
}

// train is Train after the config is validated and defaulted.
func train(ctx context.Context, g *genome.Genome, parent *checkpoint.Checkpoint, d *data.Dataset, c Config, out io.Writer) (Result, error) {
	if err := checkInputs(g, d); err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("train: not started: %w", err)
	}
	res := Result{Status: StatusOK}
	if reason := tooLarge(g, c); reason != "" {
		res.Status, res.Reason = StatusTooLarge, reason
		return res, nil
	}
	res.Params, _ = g.Params()
	specs, err := g.Tensors()
	if err != nil {
		return Result{}, fmt.Errorf("train: %w: %w", ErrInput, err)
	}
	rng := rand.New(rand.NewPCG(uint64(c.Seed), 0))
	start, rep := initialState(specs, parent, rng)
	res.Inheritance = rep
	m, err := buildModel(g, buildSpec{batch: c.BatchSize, dtype: tensor.Float32, training: true, bnDecay: c.BNDecay, bnEps: c.BNEpsilon})
	if err != nil {
		return res, err
	}
	defer m.close()
	if err := m.setState(start); err != nil {
		return res, err
	}
	res.StepFLOPs = graphFLOPs(m.g).Total() + sgdFLOPsPerParam*res.Params

	if err := fit(ctx, m, g, d, c, rng, &res); err != nil {
		return res, err
	}
	if res.Status == StatusOK {
		if err := validate(ctx, m, g, d, c, &res); err != nil {
			return res, err
		}
	}
	if out == nil || res.Status == StatusTooLarge {
		return res, nil
	}
	st := m.state()
	if res.Status == StatusDiverged {
		st = start
	}
	ck := &checkpoint.Checkpoint{Tensors: st, Meta: map[string]string{
		"status": res.Status, "steps": strconv.Itoa(res.Steps), "seed": strconv.FormatInt(c.Seed, 10), "data": d.Name,
	}}
	if err := checkpoint.Write(out, ck); err != nil {
		return res, fmt.Errorf("train: write checkpoint: %w", err)
	}
	return res, nil
}

// fit runs the SGD steps. Divergence sets res.Status and stops; it is not an error.
func fit(ctx context.Context, m *model, g *genome.Genome, d *data.Dataset, c Config, rng *rand.Rand, res *Result) error {
	sampler := data.NewSampler(d.Train.Len(), rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64())))
	augRNG := rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64()))
	opt := &sgd{lr: g.LearningRate, momentum: c.Momentum, decay: c.WeightDecay}
	x := m.inputBuffer(c.BatchSize * d.ExampleSize())
	y := make([]int, c.BatchSize)
	for step := range c.Steps {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("train: cancelled after %d of %d steps: %w", step, c.Steps, err)
		}
		d.Batch(d.Train, sampler.Next(c.BatchSize), c.Augment, augRNG, x, y)
		m.setBatch(x, y)
		loss, err := m.run()
		if err != nil {
			return fmt.Errorf("train: step %d: %w", step, err)
		}
		res.Steps++
		res.Examples += int64(c.BatchSize)
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			diverge(res, fmt.Sprintf("loss %v at step %d", loss, step))
			return nil
		}
		res.FinalLoss = loss
		if err := opt.step(m.params); err != nil {
			if errors.Is(err, errNotFinite) {
				diverge(res, fmt.Sprintf("step %d: %v", step, err))
				return nil
			}
			return fmt.Errorf("train: step %d: %w", step, err)
		}
		if (step+1)%c.LogEvery == 0 {
			c.Logger.Debug("train: progress", "step", step+1, "of", c.Steps, "loss", loss)
		}
	}
	return nil
}

// validate measures the fitness on the validation split with a separate evaluation model.
func validate(ctx context.Context, m *model, g *genome.Genome, d *data.Dataset, c Config, res *Result) error {
	n := d.Val.Len()
	if c.MaxEvalExamples > 0 {
		n = min(n, c.MaxEvalExamples)
	}
	e, err := newEvaluator(g, m.state(), c.EvalBatchSize, c.BNDecay, c.BNEpsilon)
	if err != nil {
		return err
	}
	defer e.m.close()
	res.EvalBatchFLOPs = graphFLOPs(e.m.g).Total()
	pred, finite, err := e.predict(ctx, d, d.Val, n)
	if err != nil {
		return err
	}
	res.EvalBatches = (n + c.EvalBatchSize - 1) / c.EvalBatchSize
	if !finite {
		diverge(res, "non-finite logits on the validation split")
		return nil
	}
	res.Fitness = accuracy(pred, d.Val)
	return nil
}

// diverge records a divergence: fitness 0, never NaN.
func diverge(res *Result, reason string) {
	res.Status, res.Reason, res.Fitness = StatusDiverged, reason, 0
}

// tooLarge returns why g exceeds the resource caps of c, or "".
func tooLarge(g *genome.Genome, c Config) string {
	if c.MaxParams > 0 {
		p, err := g.Params()
		if errors.Is(err, genome.ErrOverflow) || (err == nil && p > c.MaxParams) {
			return fmt.Sprintf("%d trainable parameters exceed the cap MaxParams = %d", p, c.MaxParams)
		}
	}
	if c.MaxStepFLOPs > 0 {
		f, err := g.TrainStepFLOPs(c.BatchSize)
		if errors.Is(err, genome.ErrOverflow) || (err == nil && f > c.MaxStepFLOPs) {
			return fmt.Sprintf("%d FLOPs per training step exceed the cap MaxStepFLOPs = %d", f, c.MaxStepFLOPs)
		}
	}
	return ""
}

// checkInputs rejects a nil, invalid or mismatched genome or data set.
func checkInputs(g *genome.Genome, d *data.Dataset) error {
	if g == nil {
		return fmt.Errorf("train: nil genome: %w", ErrInput)
	}
	if err := g.Validate(); err != nil {
		return fmt.Errorf("train: %w: %w", ErrInput, err)
	}
	if d == nil || d.Train == nil || d.Val == nil {
		return fmt.Errorf("train: nil data set or split: load one with data.Load: %w", ErrInput)
	}
	if d.Train.Len() == 0 || d.Val.Len() == 0 {
		return fmt.Errorf("train: data set %s has %d training and %d validation examples; both must be non-empty: %w", d.Name, d.Train.Len(), d.Val.Len(), ErrInput)
	}
	return checkFits(g, d)
}

// checkFits rejects a genome whose input shape or class count differs from the data set's.
func checkFits(g *genome.Genome, d *data.Dataset) error {
	want := genome.Shape{H: d.H, W: d.W, C: d.C}
	if g.Input != want || g.Classes != d.Classes {
		return fmt.Errorf("train: genome input %dx%dx%d with %d classes does not fit data set %s (%dx%dx%d, %d classes): build the genome for this data set: %w", g.Input.H, g.Input.W, g.Input.C, g.Classes, d.Name, d.H, d.W, d.C, d.Classes, ErrInput)
	}
	return nil
}
