package population

import (
	"fmt"
	"sort"
	"time"
)

// Individual is one individual as the queries see it: alive or dead, with its metadata.
type Individual struct {
	Meta Meta `json:"meta"`
	// Alive is true while the individual is in population/.
	Alive bool `json:"alive"`
	// Died is when it was killed (zero while alive, or when its kill was not recorded).
	Died time.Time `json:"died,omitzero"`
	// Killer is the worker that killed it.
	Killer string `json:"killer,omitempty"`
}

// index is the history arranged for queries.
type index struct {
	births  map[string]*Meta
	order   []string // birth ids in birth order
	died    map[string]Event
	summary History
}

// readIndex reads the whole history once.
func readIndex(s Reader) (*index, error) {
	ix := &index{births: map[string]*Meta{}, died: map[string]Event{}}
	var events []Event
	skipped, err := ReadEvents(s, func(e Event) error {
		events = append(events, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	ix.summary.Skipped = skipped
	for _, e := range events {
		ix.summary.add(e)
		switch e.Event {
		case EventBirth:
			if _, dup := ix.births[e.Meta.ID]; !dup {
				ix.births[e.Meta.ID] = e.Meta
				ix.order = append(ix.order, e.Meta.ID)
			}
		case EventKill:
			if _, dup := ix.died[e.ID]; !dup {
				ix.died[e.ID] = e
			}
		}
	}
	sort.SliceStable(ix.order, func(i, j int) bool {
		return ix.births[ix.order[i]].Born.Before(ix.births[ix.order[j]].Born)
	})
	return ix, nil
}

// add counts one event into the summary.
func (h *History) add(e Event) {
	switch e.Event {
	case EventStart:
		if h.Start.IsZero() || e.Time.Before(h.Start) {
			h.Start = e.Time
		}
	case EventBirth:
		h.Trained++
		h.FLOPs += e.Meta.FLOPs.Total
		if e.Meta.Parent == "" {
			h.Initial++
		}
	case EventKill:
		h.Kills++
	case EventFailure:
		h.Failures++
		h.FLOPs += e.FLOPs
	case EventRace:
		h.Races++
	}
}

// individual returns what the history says about id, marked alive if it is in alive.
func (ix *index) individual(id string, alive map[string]bool) (Individual, bool) {
	m := ix.births[id]
	if m == nil {
		return Individual{}, false
	}
	in := Individual{Meta: *m, Alive: alive[id]}
	if k, ok := ix.died[id]; ok && !in.Alive {
		in.Died, in.Killer = k.Time, k.Worker
	}
	return in, true
}

// aliveSet lists the alive individuals as a set.
func aliveSet(s Reader) (map[string]bool, []string, error) {
	ids, err := s.List()
	if err != nil {
		return nil, nil, fmt.Errorf("population: list: %w", err)
	}
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set, ids, nil
}

// Show returns individual id, alive (from its record) or dead (from the history).
func Show(s Reader, id string) (Individual, error) {
	alive, _, err := aliveSet(s)
	if err != nil {
		return Individual{}, err
	}
	if alive[id] {
		if m, err := recordMeta(s, id); err == nil {
			return Individual{Meta: *m, Alive: true}, nil
		}
	}
	ix, err := readIndex(s)
	if err != nil {
		return Individual{}, err
	}
	if in, ok := ix.individual(id, alive); ok {
		return in, nil
	}
	return Individual{}, fmt.Errorf("%w: %s is neither alive nor in the history; `evo list` shows the alive ones", ErrUnknown, id)
}

// Individuals returns the alive individuals, fittest first (ties: older first). Entries
// whose record cannot be read are skipped and counted.
func Individuals(s Reader) (list []Individual, unreadable int, err error) {
	_, ids, err := aliveSet(s)
	if err != nil {
		return nil, 0, err
	}
	for _, id := range ids {
		m, err := recordMeta(s, id)
		if err != nil {
			unreadable++
			continue
		}
		list = append(list, Individual{Meta: *m, Alive: true})
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].Meta.Fitness > list[j].Meta.Fitness })
	return list, unreadable, nil
}
