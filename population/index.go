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
	b, err := openBooks(s, true, false)
	if err != nil {
		return Individual{}, err
	}
	if in, ok := b.individual(id, alive); ok {
		return in, nil
	}
	return Individual{}, fmt.Errorf("population: %s is neither alive nor in the history; `evo list` shows the alive ones: %w", id, ErrUnknown)
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
