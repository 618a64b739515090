package main

import (
	"bytes"
	"errors"
	"fmt"

	"evo/genome"
	"evo/population"
	"evo/storage"
	"evo/train/checkpoint"
)

// maxGenomeBytes and maxWeightsBytes bound what the inspection commands read into memory.
const (
	maxGenomeBytes  = genome.MaxEncodedSize
	maxWeightsBytes = checkpoint.DefaultMaxBytes
)

// resolveID turns "best" into the id of the fittest alive individual; other ids pass through.
func (e *experiment) resolveID(id string) (string, error) {
	if id == "" {
		return "", fmt.Errorf("missing individual id: give an id from `evo list`, or `best`")
	}
	if id != "best" {
		return id, nil
	}
	top, err := e.top(1)
	if err != nil {
		return "", err
	}
	return top[0].Meta.ID, nil
}

// top returns the k fittest alive individuals, best first.
func (e *experiment) top(k int) ([]population.Individual, error) {
	ok, err := population.Fittest(e.store, k)
	if err == nil && len(ok) == 0 {
		err = fmt.Errorf("no trained individual is alive in %s yet: start workers with `evo run` or `evo worker`", e.root.Dir())
	}
	return ok, err
}

// loadGenome reads an alive individual's genome.
func (e *experiment) loadGenome(id string) (*genome.Genome, error) {
	b, err := e.root.ReadFile(id, population.GenomeFile, maxGenomeBytes)
	if err != nil {
		return nil, e.goneErr(id, err)
	}
	g, err := genome.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("%s/population/%s/%s: %w", e.root.Dir(), id, population.GenomeFile, err)
	}
	return g, nil
}

// loadWeights reads an alive individual's checkpoint.
func (e *experiment) loadWeights(id string) (*checkpoint.Checkpoint, error) {
	b, err := e.root.ReadFile(id, population.WeightsFile, maxWeightsBytes)
	if err != nil {
		return nil, e.goneErr(id, err)
	}
	ck, err := checkpoint.Read(bytes.NewReader(b), checkpoint.Limits{})
	if err != nil {
		return nil, fmt.Errorf("%s/population/%s/%s: %w", e.root.Dir(), id, population.WeightsFile, err)
	}
	return ck, nil
}

func (e *experiment) goneErr(id string, err error) error {
	if errors.Is(err, storage.ErrGone) {
		return fmt.Errorf("individual %s is not alive or is unreadable (killed, garbage-collected or corrupt): `evo list` shows the alive ones, `evo check` finds damage", id)
	}
	return err
}
