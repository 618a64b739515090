package population

import (
	"fmt"
	"time"

	"evo/genome"
)

// Selection names.
const (
	// SelectTournament is the paper's binary tournament: of two uniformly random alive
	// individuals the worse is killed and the better is the parent.
	SelectTournament = "tournament"
	// SelectAging is aging (regularised) evolution, Real et al. 2019: the best of
	// TournamentSize uniformly random alive individuals is the parent, the oldest alive
	// individual is killed.
	SelectAging = "aging"
	// SelectRandom is the paper's random-search control: the victim and the parent are two
	// uniformly random alive individuals, fitness is ignored.
	SelectRandom = "random"
)

// Defaults applied to zero fields of Config.
const (
	DefaultPopulationSize    = 1000
	DefaultTournamentSize    = 2
	DefaultMutationsPerChild = 1
	DefaultHeartbeatInterval = 10 * time.Second
	DefaultControlPoll       = 2 * time.Second
	DefaultStopCheckInterval = time.Minute
	DefaultMaxWeightsBytes   = 1 << 30
)

// Config is the evolution's settings, identical for every worker of an experiment. Each
// field's zero value means the documented default; call WithDefaults to fill them in.
type Config struct {
	// Seed is the experiment seed: every random choice derives from it (package doc: Determinism).
	Seed int64
	// Input is the shape of one example (required).
	Input genome.Shape
	// Classes is the number of classes (required, at least 2).
	Classes int

	// PopulationSize is the set-point P (0 = 1,000, the paper's). At least 2.
	PopulationSize int
	// Selection is SelectTournament (""), SelectAging or SelectRandom.
	Selection string
	// TournamentSize is S for aging selection (0 = 2); ignored by the other selections.
	TournamentSize int
	// NoInheritance is the paper's no-weight-inheritance control: every child trains from
	// fresh weights (Job.Parent is nil). false (the default) inherits as the paper does.
	NoInheritance bool
	// MutationsPerChild is the number of mutations per reproduction (0 = 1, the paper's).
	// The live control of the same name overrides it.
	MutationsPerChild int

	// MaxIndividuals stops the run once this many individuals were trained and published,
	// counted over the whole experiment: every worker, every invocation (0 = no limit).
	// control.json may replace it (Control.MaxIndividuals).
	MaxIndividuals int
	// MaxFLOPs stops the run once the individuals built cost this many FLOPs in total, over
	// the whole experiment (F_t·N_t + F_v·N_v summed; 0 = no limit).
	MaxFLOPs float64
	// MaxWall stops this invocation this long after WallStart (0 = no limit): it counts the
	// wall time of one run of a command, not of the experiment, so starting the command again
	// always makes progress.
	MaxWall time.Duration
	// WallStart is when the wall-time budget of this invocation started (zero = when Run is
	// called). `evo run` gives all its workers its own start, so that a restarted worker
	// does not get a fresh budget.
	WallStart time.Time

	// HeartbeatInterval is how often a worker rewrites its heartbeat (0 = 10s). A heartbeat
	// older than three intervals counts as a dead worker.
	HeartbeatInterval time.Duration
	// ControlPoll is how often control.json is read while a child trains (0 = 2s); it is
	// also read before every reproduction.
	ControlPoll time.Duration
	// StopCheckInterval is how often a worker re-reads the whole history to check
	// MaxIndividuals and MaxFLOPs (0 = 1m). Between reads the counts in the heartbeats, read
	// at every step, keep the estimate current; the history read corrects for lost ones.
	StopCheckInterval time.Duration
	// MaxWeightsBytes bounds a parent's checkpoint read into memory (0 = 1 GiB).
	MaxWeightsBytes int64
}

// WithDefaults returns c with every zero field replaced by its default.
func (c Config) WithDefaults() Config {
	if c.PopulationSize == 0 {
		c.PopulationSize = DefaultPopulationSize
	}
	if c.Selection == "" {
		c.Selection = SelectTournament
	}
	if c.TournamentSize == 0 {
		c.TournamentSize = DefaultTournamentSize
	}
	if c.MutationsPerChild == 0 {
		c.MutationsPerChild = DefaultMutationsPerChild
	}
	if c.HeartbeatInterval == 0 {
		c.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if c.ControlPoll == 0 {
		c.ControlPoll = DefaultControlPoll
	}
	if c.StopCheckInterval == 0 {
		c.StopCheckInterval = DefaultStopCheckInterval
	}
	if c.MaxWeightsBytes == 0 {
		c.MaxWeightsBytes = DefaultMaxWeightsBytes
	}
	return c
}

// Validate checks c after defaults are applied and says which field is wrong and why.
func (c Config) Validate() error {
	c = c.WithDefaults()
	bad := func(format string, args ...any) error {
		return fmt.Errorf("population: %s: %w", fmt.Sprintf(format, args...), ErrConfig)
	}
	if c.Input.H < 1 || c.Input.W < 1 || c.Input.C < 1 {
		return bad("input shape %dx%dx%d: every dimension must be at least 1", c.Input.H, c.Input.W, c.Input.C)
	}
	if c.Classes < 2 {
		return bad("classes %d: need at least 2", c.Classes)
	}
	if c.PopulationSize < 2 {
		return bad("population size %d: need at least 2 for a tournament", c.PopulationSize)
	}
	switch c.Selection {
	case SelectTournament, SelectRandom:
	case SelectAging:
		if c.TournamentSize < 1 {
			return bad("tournament size %d: need at least 1", c.TournamentSize)
		}
	default:
		return bad("selection %q: use %q, %q or %q", c.Selection, SelectTournament, SelectAging, SelectRandom)
	}
	if c.MutationsPerChild < 0 {
		return bad("mutations per child %d: must be at least 0", c.MutationsPerChild)
	}
	if c.MaxIndividuals < 0 || c.MaxFLOPs < 0 || c.MaxWall < 0 {
		return bad("stop conditions must not be negative (max individuals %d, max FLOPs %g, max wall %s)",
			c.MaxIndividuals, c.MaxFLOPs, c.MaxWall)
	}
	if c.HeartbeatInterval < 0 || c.ControlPoll < 0 || c.StopCheckInterval < 0 {
		return bad("intervals must be positive (heartbeat %s, control poll %s, stop check %s)",
			c.HeartbeatInterval, c.ControlPoll, c.StopCheckInterval)
	}
	if c.MaxWeightsBytes < 0 {
		return bad("max weights bytes %d must be positive", c.MaxWeightsBytes)
	}
	return nil
}
