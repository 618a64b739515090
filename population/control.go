package population

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Control is the content of control.json: live settings every worker picks up within
// seconds, without a restart (the paper's Figure 4 interventions, and stop).
type Control struct {
	// MutationsPerChild overrides Config.MutationsPerChild when positive.
	MutationsPerChild int `json:"mutations_per_child,omitempty"`
	// ResetEpoch counts the population resets (`evo control --reset-weights` adds one). Every
	// individual carries the epoch of its weights (Meta.Epoch); one whose epoch is older is
	// stale: workers retrain stale individuals first (same architecture, fresh weights, see
	// reset.go) and never let a stale individual meet a current one in a tournament.
	ResetEpoch int `json:"reset_epoch,omitempty"`
	// ResetAt is when the latest reset was requested (informational).
	ResetAt time.Time `json:"reset_at,omitzero"`
	// Stop asks every worker to abandon its current child and exit cleanly. Setting it back
	// to false lets workers started later run again.
	Stop bool `json:"stop,omitempty"`
	// MaxIndividuals, MaxFLOPs and MaxWall, when set, replace the budgets of experiment.json
	// (Config's fields of the same names); 0 means no limit, nil keeps experiment.json's.
	MaxIndividuals *int      `json:"max_individuals,omitempty"`
	MaxFLOPs       *float64  `json:"max_flops,omitempty"`
	MaxWall        *Duration `json:"max_wall,omitempty"`
	// Updated is when the control was last written.
	Updated time.Time `json:"updated,omitzero"`
}

// Duration is a time.Duration that reads and writes as "1h30m" in JSON.
type Duration time.Duration

// MarshalJSON writes d as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a Go duration string such as "90m".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string like \"90m\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// Validate checks the values of c.
func (c Control) Validate() error {
	if c.ResetEpoch < 0 {
		return fmt.Errorf("population: reset epoch %d must be at least 0: %w", c.ResetEpoch, ErrControl)
	}
	if c.MutationsPerChild < 0 {
		return fmt.Errorf("population: mutations per child %d must be at least 0 (0 = the experiment's setting): %w", c.MutationsPerChild, ErrControl)
	}
	if (c.MaxIndividuals != nil && *c.MaxIndividuals < 0) || (c.MaxFLOPs != nil && *c.MaxFLOPs < 0) ||
		(c.MaxWall != nil && *c.MaxWall < 0) {
		return fmt.Errorf("population: budgets must not be negative (0 = no limit): %w", ErrControl)
	}
	return nil
}

// Limits returns the budgets in force under c: experiment.json's (cfg), each replaced by c's
// when c sets it.
func (c Control) Limits(cfg Config) Limits {
	l := Limits{MaxIndividuals: cfg.MaxIndividuals, MaxFLOPs: cfg.MaxFLOPs, MaxWall: cfg.MaxWall}
	if c.MaxIndividuals != nil {
		l.MaxIndividuals = *c.MaxIndividuals
	}
	if c.MaxFLOPs != nil {
		l.MaxFLOPs = *c.MaxFLOPs
	}
	if c.MaxWall != nil {
		l.MaxWall = time.Duration(*c.MaxWall)
	}
	return l
}

// mutations returns the number of mutations per child under c.
func (c Control) mutations(cfg Config) int {
	if c.MutationsPerChild > 0 {
		return c.MutationsPerChild
	}
	return cfg.MutationsPerChild
}

// ReadControl returns the experiment's live controls (the zero Control if none were written).
func ReadControl(s Reader) (Control, error) {
	data, err := s.Control()
	if err != nil {
		return Control{}, fmt.Errorf("population: read control: %w", err)
	}
	var c Control
	if len(data) == 0 {
		return c, nil
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return Control{}, fmt.Errorf("population: control.json is not valid JSON (%v): rewrite it with `evo control`: %w", err, ErrControl)
	}
	if err := c.Validate(); err != nil {
		return Control{}, err
	}
	return c, nil
}

// SetControl reads control.json, applies change, stamps Updated with now and writes it back.
// It returns the control written. A control.json that is not valid is replaced from scratch. Concurrent SetControl calls are not merged: the last writer
// wins, which is what a person at a terminal expects.
func SetControl(s Store, now time.Time, change func(*Control)) (Control, error) {
	c, err := ReadControl(s)
	if errors.Is(err, ErrControl) {
		c = Control{} // a damaged control.json is replaced, not merged
	} else if err != nil {
		return Control{}, err
	}
	change(&c)
	if err := c.Validate(); err != nil {
		return Control{}, err
	}
	c.Updated = now.UTC()
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return Control{}, fmt.Errorf("population: encode control: %w", err)
	}
	if err := s.WriteControl(append(data, '\n')); err != nil {
		return Control{}, fmt.Errorf("population: write control: %w", err)
	}
	return c, nil
}
