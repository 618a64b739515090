package population

import "fmt"

// Lineage is an individual's ancestry.
type Lineage struct {
	// Chain starts with the individual and ends with its oldest known ancestor. The edge from
	// Chain[i+1] to Chain[i] carries Chain[i].Meta.Mutations.
	Chain []Individual `json:"chain"`
	// Complete is true when the chain ends with an initial individual; false when the
	// history lacks an ancestor (a lost history log).
	Complete bool `json:"complete"`
}

// LineageOf returns id's ancestors back to an initial individual. It reads the history, so it
// works for dead ancestors and after garbage collection.
func LineageOf(s Reader, id string) (Lineage, error) {
	alive, _, err := aliveSet(s)
	if err != nil {
		return Lineage{}, err
	}
	b, err := openBooks(s, true, false)
	if err != nil {
		return Lineage{}, err
	}
	in, ok := b.individual(id, alive)
	if !ok {
		if !alive[id] {
			return Lineage{}, fmt.Errorf("population: %s is neither alive nor in the history; `evo list` shows the alive ones: %w", id, ErrUnknown)
		}
		m, err := recordMeta(s, id)
		if err != nil {
			return Lineage{}, fmt.Errorf("population: lineage of %s: %w", id, err)
		}
		in = Individual{Meta: *m, Alive: true}
	}
	var l Lineage
	seen := map[string]bool{}
	for {
		l.Chain = append(l.Chain, in)
		seen[in.Meta.ID] = true
		parent := in.Meta.Parent
		if parent == "" {
			l.Complete = true
			return l, nil
		}
		next, ok := b.individual(parent, alive)
		if !ok || seen[parent] {
			return l, nil
		}
		in = next
	}
}

// Births is every birth of the history, read from the index and the logs past it; the full
// metadata of one individual is read back from its log only when asked for.
type Births struct{ b *books }

// ReadBirths reads the births of the history.
func ReadBirths(s Reader) (*Births, error) {
	b, err := openBooks(s, true, false)
	if err != nil {
		return nil, err
	}
	return &Births{b}, nil
}

// Len is the number of births.
func (x *Births) Len() int {
	x.b.materialize()
	return len(x.b.births)
}

// IDs lists the born individuals in birth order (ties: id).
func (x *Births) IDs() []string {
	order := x.b.order()
	ids := make([]string, len(order))
	for i, bi := range order {
		ids[i] = bi.id
	}
	return ids
}

// Meta returns the metadata id was born with, or nil when the history has no birth of id.
func (x *Births) Meta(id string) *Meta {
	bi := x.b.birth(id)
	if bi == nil {
		return nil
	}
	return x.b.meta(bi)
}
