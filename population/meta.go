package population

import (
	"encoding/json"
	"math"
	"time"

	"evo/genome"
)

// Files of an individual directory written by the worker (the storage record is the fourth).
const (
	// GenomeFile is the child's genome, genome.Encode's canonical JSON.
	GenomeFile = "genome.json"
	// WeightsFile is the trainer's checkpoint.
	WeightsFile = "weights.safetensors"
	// DOTFile is the architecture in Graphviz DOT (genome.DOT).
	DOTFile = "genome.dot"
	// InheritanceFile lists the tensors inherited from the parent and those re-initialised.
	InheritanceFile = "inheritance.json"
)

// Meta is population's metadata of one individual: the "meta" of its storage record and the
// body of its "birth" history event.
type Meta struct {
	ID string `json:"id"`
	// Parent is empty for an initial individual.
	Parent string `json:"parent,omitempty"`
	// Generation is the parent's generation + 1 (0 for an initial individual).
	Generation int `json:"generation"`
	// Replaced is the individual this child's worker killed to make room, if any.
	Replaced string `json:"replaced,omitempty"`
	// Mutations applied to the parent's genome, in order (a weight reset comes first).
	Mutations []genome.Record `json:"mutations,omitempty"`
	// Reset is true when the child is the retraining of a stale individual after a population
	// reset: its parent's genome with fresh tensor ids (RESET-WEIGHTS, no other mutation),
	// trained from fresh weights.
	Reset bool `json:"reset,omitempty"`
	// Epoch is the population-reset epoch of the child's weights (Control.ResetEpoch when its
	// reproduction began; 0, or missing, before any reset).
	Epoch int `json:"epoch,omitempty"`
	// Fitness is the validation accuracy; 0 for a diverged child.
	Fitness float64 `json:"fitness"`
	Status  string  `json:"status"`
	Reason  string  `json:"reason,omitempty"`
	Steps   int     `json:"steps"`
	// FinalLoss is the last training loss; null when it was not finite.
	FinalLoss *float64 `json:"final_loss"`
	FLOPs     FLOPs    `json:"flops"`
	Params    int64    `json:"params"`
	ArchHash  string   `json:"arch_hash"`
	// LearningRate is the genome's learning-rate gene.
	LearningRate float64 `json:"learning_rate"`
	// Seed is the child's seed, ChildSeed(experiment seed, Key): replaying the reproduction
	// with Reproduce(parent genome, Seed, len(Mutations) less a reset, Reset) gives the genome.
	Seed int64 `json:"seed"`
	// Key is the reproduction's name the seed derives from: "<worker>/<n>".
	Key string `json:"key"`
	// Worker is the worker that built the child.
	Worker string `json:"worker"`
	// Started is when the reproduction began (the parent was read).
	Started time.Time `json:"started"`
	// Born is when the child was published.
	Born              time.Time `json:"born"`
	WallSeconds       float64   `json:"wall_seconds"`
	CPUSeconds        float64   `json:"cpu_seconds"`
	PeakRSS           int64     `json:"peak_rss_bytes,omitempty"`
	InheritedFraction float64   `json:"inherited_fraction"`
	Inherited         int       `json:"inherited_tensors"`
	Reinitialised     int       `json:"reinitialised_tensors"`
}

// FLOPs is the paper's cost accounting of one individual.
type FLOPs struct {
	// TrainStep is F_t, EvalBatch is F_v, EvalBatches is N_v (N_t is Meta.Steps).
	TrainStep   int64 `json:"train_step"`
	EvalBatch   int64 `json:"eval_batch"`
	EvalBatches int   `json:"eval_batches"`
	// Total is F_t·N_t + F_v·N_v.
	Total float64 `json:"total"`
}

// MutationCount is the number of genome mutations in m, not counting a weight reset applied
// by the reset control.
func (m *Meta) MutationCount() int {
	n := len(m.Mutations)
	if m.Reset && n > 0 {
		n--
	}
	return n
}

// finite returns f, or 0 when f is NaN or infinite.
func finite(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

// metaJSON encodes m for the record.
func metaJSON(m *Meta) ([]byte, error) { return json.Marshal(m) }
