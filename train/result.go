package train

import (
	"time"

	"evo/train/checkpoint"
)

// Status values of Result.
const (
	// StatusOK: trained and evaluated; Fitness is the validation accuracy.
	StatusOK = "ok"
	// StatusDiverged: the loss, a weight or a logit became NaN or ±Inf; Fitness is 0 and Reason
	// says where (the child is still published and loses its tournaments).
	StatusDiverged = "diverged"
	// StatusTooLarge: the architecture exceeds Config.MaxParams or Config.MaxStepFLOPs; nothing
	// was trained or written and Fitness is 0 (a failed reproduction: nothing is published).
	StatusTooLarge = "too-large"
)

// Result describes the training of one individual.
type Result struct {
	// Fitness is the validation accuracy in [0, 1]; 0 when diverged or too large; never NaN.
	Fitness float64
	// Status is StatusOK, StatusDiverged or StatusTooLarge.
	Status string
	// Reason explains a status other than StatusOK.
	Reason string
	// FinalLoss is the training loss (mean cross-entropy) of the last step's minibatch.
	FinalLoss float64
	// Steps is the number of SGD steps run; Examples the training examples they consumed.
	Steps    int
	Examples int64
	// StepFLOPs is F_t, the FLOPs of one training step counted from the built gorgonia graph
	// (forward and backward) plus the optimiser's update; EvalBatchFLOPs is F_v, the FLOPs of
	// one evaluation batch of Config.EvalBatchSize counted from the evaluation graph;
	// EvalBatches is N_v. Conventions as in genome's cost model (a multiply–add is 2 FLOPs).
	StepFLOPs, EvalBatchFLOPs int64
	EvalBatches               int
	// Params is the number of trainable parameters.
	Params int64
	// Wall is the elapsed time of Train; CPU the process's user+system CPU time during it.
	Wall, CPU time.Duration
	// PeakRSS is the process's peak resident set size in bytes when Train returned (a
	// process-wide high-water mark, not the share of this call).
	PeakRSS int64
	// Inheritance lists the tensors taken from the parent and those freshly initialised.
	Inheritance checkpoint.Report
}
