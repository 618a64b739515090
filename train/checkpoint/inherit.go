package checkpoint

import (
	"slices"
	"sort"

	"evo/genome"
)

// Report says what a child inherited from its parent.
type Report struct {
	// Inherited and Reinitialised are tensor IDs, sorted. Running statistics are listed too.
	Inherited     []string `json:"inherited"`
	Reinitialised []string `json:"reinitialised"`
	// InheritedParams and TotalParams count trainable values only.
	InheritedParams int64 `json:"inherited_params"`
	TotalParams     int64 `json:"total_params"`
	// Fraction is InheritedParams / TotalParams, or 0 when there are no trainable parameters.
	Fraction float64 `json:"fraction"`
}

// Inherit decides, for each tensor the child needs, whether it comes from the parent: a tensor
// with the same ID and the same shape is inherited (as a copy); every other tensor is left to the
// caller to initialise afresh. A nil parent inherits nothing. Optimiser state is never inherited:
// checkpoints do not hold it.
func Inherit(child []genome.TensorSpec, parent *Checkpoint) (map[string]*Tensor, Report) {
	got := map[string]*Tensor{}
	var rep Report
	for _, s := range child {
		n := int64(numel(s.Shape))
		if s.Trainable {
			rep.TotalParams += n
		}
		var p *Tensor
		if parent != nil {
			p = parent.Tensors[s.ID]
		}
		if p != nil && slices.Equal(p.Shape, s.Shape) && len(p.Data) == int(n) {
			got[s.ID] = p.Clone()
			rep.Inherited = append(rep.Inherited, s.ID)
			if s.Trainable {
				rep.InheritedParams += n
			}
			continue
		}
		rep.Reinitialised = append(rep.Reinitialised, s.ID)
	}
	sort.Strings(rep.Inherited)
	sort.Strings(rep.Reinitialised)
	if rep.TotalParams > 0 {
		rep.Fraction = float64(rep.InheritedParams) / float64(rep.TotalParams)
	}
	return got, rep
}
