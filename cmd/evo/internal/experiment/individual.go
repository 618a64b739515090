package experiment

import (
	"bytes"
	"errors"
	"fmt"

	"evo/genome"
	"evo/population"
	"evo/storage"
	"evo/train/checkpoint"
)

// maxGenomeBytes and MaxWeightsBytes bound what the inspection commands read into memory.
const (
	maxGenomeBytes  = genome.MaxEncodedSize
	MaxWeightsBytes = checkpoint.DefaultMaxBytes
)

// ResolveID turns "best" into the id of the fittest alive individual; other ids pass through.
func (e *Experiment) ResolveID(id string) (string, error) {
	if id == "" {
		return "", fmt.Errorf("missing individual id: give an id from `evo list`, or `best`")
	}
	if id != "best" {
		return id, nil
	}
	top, err := e.Top(1)
	if err != nil {
		return "", err
	}
	return top[0].Meta.ID, nil
}

// Top returns the k fittest alive individuals, best first; none alive is an error.
func (e *Experiment) Top(k int) ([]population.Individual, error) {
	ok, err := population.Fittest(e.Store, k)
	if err == nil && len(ok) == 0 {
		err = fmt.Errorf("no trained individual is alive in %s yet: start workers with `evo run` or `evo worker`", e.Root.Dir())
	}
	return ok, err
}

// Individual resolves an ID|best argument to an individual, alive or dead.
func (e *Experiment) Individual(arg string) (population.Individual, error) {
	id, err := e.ResolveID(arg)
	if err != nil {
		return population.Individual{}, err
	}
	if !storage.ValidName(id) {
		return population.Individual{}, fmt.Errorf("%q is not an individual id: ids look like 20260105T101530.123456789Z-0123456789ab (see `evo list --dir %s --all`)", id, e.Root.Dir())
	}
	in, err := population.Show(e.Store, id)
	if errors.Is(err, population.ErrUnknown) {
		return population.Individual{}, fmt.Errorf("individual %s is neither alive nor in the history of %s: `evo list --dir %s --all` shows every id", id, e.Root.Dir(), e.Root.Dir())
	}
	if err != nil {
		return population.Individual{}, err
	}
	return in, nil
}

// LoadGenome reads an alive individual's genome.
func (e *Experiment) LoadGenome(id string) (*genome.Genome, error) {
	b, err := e.Root.ReadFile(id, population.GenomeFile, maxGenomeBytes)
	if err != nil {
		return nil, e.goneErr(id, err)
	}
	g, err := genome.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("%s of individual %s in %s: %w", population.GenomeFile, id, e.Root.Dir(), err)
	}
	return g, nil
}

// LoadWeights reads an alive individual's checkpoint.
func (e *Experiment) LoadWeights(id string) (*checkpoint.Checkpoint, error) {
	b, err := e.Root.ReadFile(id, population.WeightsFile, MaxWeightsBytes)
	if err != nil {
		return nil, e.goneErr(id, err)
	}
	ck, err := checkpoint.Read(bytes.NewReader(b), checkpoint.Limits{})
	if err != nil {
		return nil, fmt.Errorf("%s of individual %s in %s: %w", population.WeightsFile, id, e.Root.Dir(), err)
	}
	return ck, nil
}

func (e *Experiment) goneErr(id string, err error) error {
	if errors.Is(err, storage.ErrGone) {
		return fmt.Errorf("individual %s is not alive or is unreadable (killed, garbage-collected or corrupt): `evo list` shows the alive ones, `evo check` finds damage", id)
	}
	return err
}

// Genome returns in's genome and where it came from: population.SourcePopulation,
// SourceGraveyard or SourceReplay (see population.Replayer).
func (e *Experiment) Genome(in population.Individual) (*genome.Genome, string, error) {
	if in.Alive {
		g, err := e.LoadGenome(in.Meta.ID)
		return g, population.SourcePopulation, err
	}
	r, err := population.NewReplayer(e.Store, e.Root)
	if err != nil {
		return nil, "", err
	}
	return r.Genome(in.Meta.ID)
}

// Weights returns in's checkpoint: alive, or dead while its grave exists.
func (e *Experiment) Weights(in population.Individual) (*checkpoint.Checkpoint, error) {
	id := in.Meta.ID
	if in.Alive {
		return e.LoadWeights(id)
	}
	b, err := e.Root.ReadDeadFile(id, population.WeightsFile, MaxWeightsBytes)
	if err != nil {
		return nil, fmt.Errorf("the weights of %s are gone: it was killed and its grave garbage-collected (only alive individuals, and dead ones for a grace period, keep weights): %w", id, err)
	}
	ck, err := checkpoint.Read(bytes.NewReader(b), checkpoint.Limits{})
	if err != nil {
		return nil, fmt.Errorf("dead individual %s, %s: %w", id, population.WeightsFile, err)
	}
	return ck, nil
}

// Files returns the directory of in (alive, or its grave while it exists) and its files,
// as absolute paths a person can ls. Both are empty when the grave was collected.
func (e *Experiment) Files(in population.Individual) (string, []string) {
	return e.Root.Files(in.Meta.ID, in.Alive)
}
