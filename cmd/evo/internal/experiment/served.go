package experiment

import (
	"bytes"
	"io"
	"sort"

	"evo/cmd/evo/internal/dashboard"
	"evo/genome"
	"evo/population"
)

// Dashboard is e as the dashboard of `evo serve` reads it, under label (empty: the main one).
func (e *Experiment) Dashboard(label string) dashboard.Experiment {
	return dashboard.Experiment{
		Label: label, Dir: e.Root.Dir(), Store: e.Store, Config: e.Root.Config(),
		Budgets: e.Budgets(), Graveyard: e.Root.GraveyardUsage,
	}
}

// Served gives the dashboard the genomes and files of e's individuals, alive or dead, through
// the same readers as `evo show` and `evo lineage`.
type Served struct{ E *Experiment }

// Genome returns the genome of in, alive or dead.
func (s Served) Genome(in population.Individual) (*genome.Genome, error) {
	g, _, err := s.E.Genome(in)
	return g, err
}

// Files lists the files the record of id names: the alive individual's, or its grave's.
func (s Served) Files(id string) ([]dashboard.File, error) {
	rec, err := s.E.Root.Record(id)
	if err != nil {
		if rec, err = s.E.Root.DeadRecord(id); err != nil {
			return nil, err
		}
	}
	var out []dashboard.File
	for name, fi := range rec.Files {
		out = append(out, dashboard.File{Name: name, Size: fi.Size})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Open reads file name of id through storage (alive: streamed and verified) or from its grave
// (verified against the grave's record); a symbolic link in the grave is refused.
func (s Served) Open(id, name string) (io.ReadCloser, error) {
	if rc, err := s.E.Root.OpenFile(id, name); err == nil {
		return rc, nil
	}
	b, err := s.E.Root.ReadDeadFile(id, name, MaxWeightsBytes)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}
