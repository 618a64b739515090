package population

import (
	"context"
	"io"
	"time"

	"evo/genome"
)

// Outcome statuses. A trainer may report other statuses (for example "too-large" for a child
// over a resource cap): such a child is a failed reproduction and is not published.
const (
	// StatusOK is a normally trained child.
	StatusOK = "ok"
	// StatusDiverged is a child whose loss or weights became NaN/Inf: it is published with
	// fitness 0 (it loses every tournament) and the reason recorded.
	StatusDiverged = "diverged"
)

// Trainer trains one individual. population never imports a training library: the evo
// command adapts evo/train to this interface and tests use a fake.
type Trainer interface {
	// Train trains job.Genome starting from job.Parent's weights where tensor ids and shapes
	// match (nil Parent: fresh initialisation), evaluates it on the validation split and
	// writes the trained checkpoint to job.Out. It returns promptly with ctx's error when ctx
	// is cancelled. An error aborts the child; a divergence is not an error but an Outcome
	// with Status StatusDiverged.
	Train(ctx context.Context, job Job) (Outcome, error)
}

// Job is one child to train.
type Job struct {
	// Genome is the child's architecture and learning rate.
	Genome *genome.Genome
	// Parent is the parent's checkpoint, or nil for fresh initialisation (initial individuals,
	// the no-inheritance control, children of a weight reset).
	Parent []byte
	// Seed is the child's seed for every random draw of training (initialisation, batches).
	Seed int64
	// Out receives the child's checkpoint.
	Out io.Writer
}

// Outcome is what training one child produced.
type Outcome struct {
	// Fitness is the validation accuracy in [0, 1].
	Fitness float64
	// Status is StatusOK, StatusDiverged or a trainer-specific failure status.
	Status string
	// Reason says why, for any status other than StatusOK.
	Reason string
	// Steps is the number of SGD steps run (N_t).
	Steps int
	// FinalLoss is the last training loss (may be NaN for a diverged child).
	FinalLoss float64
	// StepFLOPs is F_t, the FLOPs of one training step.
	StepFLOPs int64
	// EvalBatchFLOPs is F_v, the FLOPs of one validation batch.
	EvalBatchFLOPs int64
	// EvalBatches is N_v, the number of validation batches evaluated.
	EvalBatches int
	// Wall and CPU are the wall-clock and CPU time of training and evaluation.
	Wall, CPU time.Duration
	// PeakRSS is the peak resident memory in bytes (0 if unknown).
	PeakRSS int64
	// InheritedFraction is the fraction of the child's parameters inherited from the parent.
	InheritedFraction float64
	// Inherited and Reinitialised list the tensor ids that were inherited or freshly
	// initialised.
	Inherited, Reinitialised []string
}

// TotalFLOPs is the paper's cost of the individual: F_t·N_t + F_v·N_v.
func (o Outcome) TotalFLOPs() float64 {
	return float64(o.StepFLOPs)*float64(o.Steps) + float64(o.EvalBatchFLOPs)*float64(o.EvalBatches)
}

// publishable reports whether an outcome becomes an individual.
func publishable(status string) bool { return status == StatusOK || status == StatusDiverged }
