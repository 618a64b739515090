package train

import (
	"fmt"
	"log/slog"
	"math"
	"time"
)

// Defaults for the zero values of Config; the package doc (Settings) explains the marks.
const (
	DefaultSteps         = 25600 // [paper] T, SGD steps per individual
	DefaultBatchSize     = 50    // [paper]
	DefaultMomentum      = 0.9   // [paper?]
	DefaultWeightDecay   = 1e-4  // [paper?] applied to the weights
	DefaultBNDecay       = 0.9   // [paper] running = decay·running + (1−decay)·batch
	DefaultBNEpsilon     = 1e-3  // [ours] TensorFlow's batch-norm default
	DefaultEvalBatchSize = 100   // [ours]; evaluation results do not depend on it
)

// Config controls the training of one individual. The zero value of every field means the
// documented default, so Config{} trains as the paper does (see the package doc).
type Config struct {
	// Steps is T, the number of SGD steps (each on one minibatch). 0 means DefaultSteps (25,600).
	Steps int
	// BatchSize is the number of training examples per step. 0 means DefaultBatchSize (50).
	BatchSize int
	// Momentum is the SGD momentum coefficient μ in v ← μ·v + g; w ← w − lr·v.
	// 0 means DefaultMomentum (0.9); use a negative value for plain SGD (μ = 0).
	Momentum float64
	// WeightDecay λ adds λ·w to the gradient of every conv kernel and of the head's weight
	// matrix (not to biases or batch-norm parameters). 0 means DefaultWeightDecay (1e-4); use a
	// negative value for none.
	WeightDecay float64
	// BNDecay is the batch-norm running-statistics decay d: running ← d·running + (1−d)·batch.
	// 0 means DefaultBNDecay (0.9).
	BNDecay float64
	// BNEpsilon is added to the variance before the square root in batch norm.
	// 0 means DefaultBNEpsilon (1e-3).
	BNEpsilon float64
	// EvalBatchSize is the number of examples per evaluation batch. 0 means DefaultEvalBatchSize.
	EvalBatchSize int
	// MaxEvalExamples caps the validation examples used for fitness (the first ones of the
	// split). 0 means the whole validation split.
	MaxEvalExamples int
	// MaxParams caps the trainable parameters of an architecture; above it Train returns
	// Status "too-large" without training. 0 means no cap.
	MaxParams int64
	// MaxStepFLOPs caps the FLOPs of one training step (see Result.StepFLOPs); above it Train
	// returns Status "too-large" without training. 0 means no cap.
	MaxStepFLOPs int64
	// Seed drives all randomness: initialisation, minibatch sampling and augmentation.
	Seed int64
	// Augment turns on pad-4 random crop and horizontal flip (32×32 colour data sets only).
	Augment bool
	// LogEvery is the number of steps between progress log lines. 0 means Steps/10 (at least 1).
	LogEvery int
	// Logger receives progress and outcome lines. nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock for Result.Wall. nil means time.Now.
	Now func() time.Time
}

// withDefaults returns c with every zero field replaced by its default.
func (c Config) withDefaults() Config {
	if c.Steps == 0 {
		c.Steps = DefaultSteps
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.Momentum == 0 {
		c.Momentum = DefaultMomentum
	} else if c.Momentum < 0 {
		c.Momentum = 0
	}
	if c.WeightDecay == 0 {
		c.WeightDecay = DefaultWeightDecay
	} else if c.WeightDecay < 0 {
		c.WeightDecay = 0
	}
	if c.BNDecay == 0 {
		c.BNDecay = DefaultBNDecay
	}
	if c.BNEpsilon == 0 {
		c.BNEpsilon = DefaultBNEpsilon
	}
	if c.EvalBatchSize == 0 {
		c.EvalBatchSize = DefaultEvalBatchSize
	}
	if c.LogEvery == 0 {
		c.LogEvery = max(c.Steps/10, 1)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Validate reports the first field of c (after defaults) that is out of range.
func (c Config) Validate() error {
	d := c.withDefaults()
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("train: %s = %v: %s: %w", field, v, want, ErrConfig)
	}
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case d.Steps < 0:
		return bad("Steps", c.Steps, "want ≥ 0 (0 means 25,600)")
	case d.BatchSize < 0:
		return bad("BatchSize", c.BatchSize, "want ≥ 1 (0 means 50)")
	case !finite(c.Momentum) || d.Momentum >= 1:
		return bad("Momentum", c.Momentum, "want a finite value < 1 (0 means 0.9, negative means none)")
	case !finite(c.WeightDecay):
		return bad("WeightDecay", c.WeightDecay, "want a finite value (0 means 1e-4, negative means none)")
	case !finite(c.BNDecay) || d.BNDecay <= 0 || d.BNDecay >= 1:
		return bad("BNDecay", c.BNDecay, "want a value in (0, 1) (0 means 0.9)")
	case !finite(c.BNEpsilon) || d.BNEpsilon <= 0:
		return bad("BNEpsilon", c.BNEpsilon, "want a value > 0 (0 means 1e-3)")
	case d.EvalBatchSize < 1:
		return bad("EvalBatchSize", c.EvalBatchSize, "want ≥ 1 (0 means 100)")
	case c.MaxEvalExamples < 0:
		return bad("MaxEvalExamples", c.MaxEvalExamples, "want ≥ 0 (0 means the whole validation split)")
	case c.MaxParams < 0:
		return bad("MaxParams", c.MaxParams, "want ≥ 0 (0 means no cap)")
	case c.MaxStepFLOPs < 0:
		return bad("MaxStepFLOPs", c.MaxStepFLOPs, "want ≥ 0 (0 means no cap)")
	case d.LogEvery < 1:
		return bad("LogEvery", c.LogEvery, "want ≥ 1 (0 means Steps/10)")
	}
	return nil
}
