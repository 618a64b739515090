package population

import "time"

// ControlChange is what a person asks of a live experiment (`evo control`): a field left
// nil or false keeps what control.json holds.
type ControlChange struct {
	// MutationsPerChild replaces the mutations per child (0: back to the experiment's).
	MutationsPerChild *int
	// ResetWeights starts a new reset epoch: every individual alive now is retrained from
	// fresh weights before tournaments resume.
	ResetWeights bool
	// Stop asks every worker to stop; Resume clears such a request.
	Stop, Resume bool
	// BudgetsFromExperiment drops the budgets set in control.json, before the ones below apply.
	BudgetsFromExperiment bool
	// MaxIndividuals, MaxFLOPs and MaxWall replace the budgets in force (0: no limit).
	MaxIndividuals *int
	MaxFLOPs       *float64
	MaxWall        *Duration
}

// Empty is true when ch changes nothing.
func (ch ControlChange) Empty() bool { return ch == ControlChange{} }

// Apply makes the change to c; now is the time of a weight reset.
func (ch ControlChange) Apply(c *Control, now time.Time) {
	if ch.MutationsPerChild != nil {
		c.MutationsPerChild = *ch.MutationsPerChild
	}
	if ch.ResetWeights {
		c.ResetEpoch++
		c.ResetAt = now.UTC()
	}
	if ch.Stop {
		c.Stop = true
	}
	if ch.Resume {
		c.Stop = false
	}
	if ch.BudgetsFromExperiment {
		c.MaxIndividuals, c.MaxFLOPs, c.MaxWall = nil, nil, nil
	}
	if ch.MaxIndividuals != nil {
		c.MaxIndividuals = ch.MaxIndividuals
	}
	if ch.MaxFLOPs != nil {
		c.MaxFLOPs = ch.MaxFLOPs
	}
	if ch.MaxWall != nil {
		c.MaxWall = ch.MaxWall
	}
}
