package population

import (
	"fmt"

	"evo/genome"
)

// Where a genome came from, as Replayer.Genome reports it.
const (
	SourcePopulation = "population" // the alive individual's genome.json
	SourceGraveyard  = "graveyard"  // a killed individual's genome.json, read from its grave
	SourceReplay     = "replay"     // rebuilt from the history
)

// GraveReader reads a file of a killed individual while its grave exists, verified against the
// grave's record; *storage.Root provides it (ReadDeadFile).
type GraveReader interface {
	ReadDeadFile(id, name string, max int64) ([]byte, error)
}

// A dead individual's files live in its grave until the garbage collector removes it; after
// that its genome is rebuilt from the history: every child's genome is
// Reproduce(parent genome, seed, mutations, reset), recorded in its birth event, and an initial
// individual's is genome.Initial. Each replayed genome is checked against the architecture hash
// and learning rate of its record, so a replay never passes off a wrong architecture.

// Replayer rebuilds genomes of individuals, alive or dead, memoising each one. It is not safe
// for concurrent use.
type Replayer struct {
	s      Reader
	graves GraveReader // nil: never read a grave, replay instead
	births *Births
	metas  map[string]*Meta // births' metadata read so far, and metadata given to Learn
	alive  map[string]bool
	memo   map[string]*genome.Genome
	frame  *genome.Genome // any genome of the experiment: its input shape and classes
}

// NewReplayer reads the history of s. With graves nil, a dead individual's genome is always
// replayed (cheaper for listings than opening graves).
func NewReplayer(s Reader, graves GraveReader) (*Replayer, error) {
	births, err := ReadBirths(s)
	if err != nil {
		return nil, err
	}
	ids, err := s.List()
	if err != nil {
		return nil, err
	}
	r := &Replayer{s: s, graves: graves, births: births, metas: map[string]*Meta{},
		alive: map[string]bool{}, memo: map[string]*genome.Genome{}}
	for _, id := range ids {
		r.alive[id] = true
	}
	return r, nil
}

// Learn adds m, the metadata of an individual the history may not have (an alive individual
// whose birth event is not yet readable), unless the history already knows it.
func (r *Replayer) Learn(m Meta) {
	if r.meta(m.ID) == nil {
		r.metas[m.ID] = &m
	}
}

// meta returns the metadata id was born with (nil if the history has no birth of id).
func (r *Replayer) meta(id string) *Meta {
	if m, ok := r.metas[id]; ok {
		return m
	}
	m := r.births.Meta(id)
	if m != nil {
		r.metas[id] = m
	}
	return m
}

// LoadGenome reads and decodes the genome of the alive individual id.
func LoadGenome(s Reader, id string) (*genome.Genome, error) {
	b, err := s.ReadFile(id, GenomeFile, genome.MaxEncodedSize)
	if err != nil {
		return nil, err
	}
	g, err := genome.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("%s/%s: %w", id, GenomeFile, err)
	}
	return g, nil
}

// stored returns id's genome from its directory, alive or (with r.graves) dead.
func (r *Replayer) stored(id string) (*genome.Genome, string, bool) {
	if r.alive[id] {
		if g, err := LoadGenome(r.s, id); err == nil {
			return g, SourcePopulation, true
		}
	}
	if r.graves != nil && !r.alive[id] {
		if b, err := r.graves.ReadDeadFile(id, GenomeFile, genome.MaxEncodedSize); err == nil {
			if g, err := genome.Decode(b); err == nil {
				return g, SourceGraveyard, true
			}
		}
	}
	return nil, "", false
}

// Genome returns id's genome and its source (SourcePopulation, SourceGraveyard or
// SourceReplay): stored if its files exist, else replayed from the nearest ancestor whose
// genome is known (or from the initial genome).
func (r *Replayer) Genome(id string) (*genome.Genome, string, error) {
	var path []string // individuals to replay, the youngest first
	source := SourceReplay
	var base *genome.Genome
	for cur := id; base == nil; {
		if g, ok := r.memo[cur]; ok {
			base = g
			break
		}
		if g, src, ok := r.stored(cur); ok {
			if cur == id {
				source = src
			}
			r.memo[cur], base = g, g
			break
		}
		m := r.meta(cur)
		if m == nil {
			return nil, "", fmt.Errorf("cannot rebuild the genome of %s: ancestor %s has neither files nor a birth in the history (`evo check` finds damage)", id, cur)
		}
		if m.Parent == "" {
			g, err := r.initial(m)
			if err != nil {
				return nil, "", fmt.Errorf("cannot rebuild the genome of %s: %w", id, err)
			}
			r.memo[cur], base = g, g
			break
		}
		path = append(path, cur)
		if len(path) > r.births.Len() {
			return nil, "", fmt.Errorf("cannot rebuild the genome of %s: the history has a parent cycle at %s", id, cur)
		}
		cur = m.Parent
	}
	for i := len(path) - 1; i >= 0; i-- {
		m := r.meta(path[i])
		child, _, err := Reproduce(base, m.Seed, m.MutationCount(), m.Reset)
		if err != nil {
			return nil, "", fmt.Errorf("replay %s: %w", m.ID, err)
		}
		if base, err = checkReplay(child, m); err != nil {
			return nil, "", err
		}
		r.memo[m.ID] = base
	}
	return base, source, nil
}

// initial is the genome of the initial individual m, rebuilt from the experiment's frame.
func (r *Replayer) initial(m *Meta) (*genome.Genome, error) {
	if r.frame == nil {
		for id := range r.alive {
			if g, err := LoadGenome(r.s, id); err == nil {
				r.frame = g
				break
			}
		}
	}
	for _, g := range r.memo { // every genome of an experiment has the same input and classes
		if r.frame != nil {
			break
		}
		r.frame = g
	}
	if r.frame == nil {
		return nil, fmt.Errorf("no genome is left in the experiment to learn the input shape from")
	}
	return checkReplay(genome.Initial(r.frame.Input, r.frame.Classes), m)
}

// checkReplay round-trips g through its file format, as a worker reads a parent from
// genome.json, and compares it with m's record.
func checkReplay(g *genome.Genome, m *Meta) (*genome.Genome, error) {
	b, err := genome.Encode(g)
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", m.ID, err)
	}
	if g, err = genome.Decode(b); err != nil {
		return nil, fmt.Errorf("replay %s: %w", m.ID, err)
	}
	if h := genome.ArchHash(g); h != m.ArchHash || g.LearningRate != m.LearningRate {
		return nil, fmt.Errorf("replaying %s gives architecture %.12s with learning rate %g, but its record says %.12s and %g: the history was written by another version of evo",
			m.ID, h, g.LearningRate, m.ArchHash, m.LearningRate)
	}
	return g, nil
}
