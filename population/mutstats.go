package population

import (
	"fmt"
	"sort"

	"evo/genome"
)

// MutationStat is what one mutation type did in an experiment.
type MutationStat struct {
	Name string `json:"name"`
	// Drawn counts the draws of this type (a draw that does not apply is redrawn), Applied
	// the draws that changed a genome.
	Drawn   int `json:"drawn"`
	Applied int `json:"applied"`
	// Children is the number of children with this mutation applied whose parent's fitness
	// is known; the deltas are child − parent validation accuracy over them (a child with
	// several mutations counts for each).
	Children    int     `json:"children"`
	MeanDelta   float64 `json:"mean_delta"`
	MedianDelta float64 `json:"median_delta"`
	ShareBetter float64 `json:"share_better"`
}

// MutationStats summarises the mutations of an experiment (which operators drive the search).
type MutationStats struct {
	// Children counts the mutated children in the history; Replayed those whose draws were
	// replayed (drawn counts cover only these); Retrainings the copies made by a population
	// reset, which are not mutations and are left out.
	Children    int            `json:"children"`
	Replayed    int            `json:"replayed"`
	Retrainings int            `json:"retrainings"`
	Mutations   []MutationStat `json:"mutations"`
}

// maxReplayDraws bounds the draws replayed for one mutation (the genome package redraws a
// mutation that does not apply a bounded number of times; identity always applies).
const maxReplayDraws = 10000

// MutationStatsOf reads the history. Applied counts and fitness deltas come from the
// records; draws that did not apply are not recorded, so they are counted by replaying each
// child's reproduction from its seed, starting from the initial genome (rebuilt from the shape
// of any alive individual's genome) along its lineage. A child whose replay does not give its
// recorded architecture (a history of another evo version) is left out of the draw counts.
func MutationStatsOf(s Reader) (MutationStats, error) {
	var births []*Meta
	if _, err := ReadEvents(s, func(e Event) error {
		if e.Event == EventBirth {
			births = append(births, e.Meta)
		}
		return nil
	}); err != nil {
		return MutationStats{}, fmt.Errorf("population: read the history: %w", err)
	}
	sort.SliceStable(births, func(i, j int) bool { return births[i].Born.Before(births[j].Born) })
	byID := make(map[string]*Meta, len(births))
	for _, m := range births {
		byID[m.ID] = m
	}
	frame, _ := frameGenome(s)

	stats := map[string]*MutationStat{}
	deltas := map[string][]float64{}
	get := func(name string) *MutationStat {
		if stats[name] == nil {
			stats[name] = &MutationStat{Name: name}
		}
		return stats[name]
	}
	for _, m := range genome.Mutations {
		get(m.Name)
	}
	genomes := map[string]*genome.Genome{}
	var out MutationStats
	for _, m := range births {
		if m.Parent == "" {
			if frame != nil {
				if g, ok := roundTrip(genome.Initial(frame.Input, frame.Classes), m); ok {
					genomes[m.ID] = g
				}
			}
			continue
		}
		if m.Reset {
			out.Retrainings++
			// A retraining keeps the parent's architecture (a reset child written by an older evo
			// may add mutations); replay it for its children.
			if pg := genomes[m.Parent]; pg != nil {
				if g, _, err := Reproduce(pg, m.Seed, m.MutationCount(), true); err == nil {
					if g, ok := roundTrip(g, m); ok {
						genomes[m.ID] = g
					}
				}
			}
			continue
		}
		out.Children++
		pm := byID[m.Parent]
		for _, r := range m.Mutations {
			get(r.Name).Applied++
			if pm != nil {
				deltas[r.Name] = append(deltas[r.Name], m.Fitness-pm.Fitness)
			}
		}
		pg := genomes[m.Parent]
		if pg == nil {
			continue
		}
		drawn, g, err := replayDraws(pg, m.Seed, len(m.Mutations))
		if err != nil {
			continue
		}
		g, ok := roundTrip(g, m)
		if !ok {
			continue
		}
		genomes[m.ID] = g
		out.Replayed++
		for name, n := range drawn {
			get(name).Drawn += n
		}
	}
	for name, st := range stats {
		d := deltas[name]
		st.Children = len(d)
		if len(d) > 0 {
			sort.Float64s(d)
			better := 0
			for _, v := range d {
				st.MeanDelta += v / float64(len(d))
				if v > 0 {
					better++
				}
			}
			st.MedianDelta = d[len(d)/2]
			if len(d)%2 == 0 {
				st.MedianDelta = (d[len(d)/2-1] + d[len(d)/2]) / 2
			}
			st.ShareBetter = float64(better) / float64(len(d))
		}
		out.Mutations = append(out.Mutations, *st)
	}
	sort.Slice(out.Mutations, func(i, j int) bool {
		a, b := out.Mutations[i], out.Mutations[j]
		if a.Applied != b.Applied {
			return a.Applied > b.Applied
		}
		return a.Name < b.Name
	})
	return out, nil
}

// replayDraws repeats genome.Mutate's draws for a child of parent with n mutations from seed
// (as Reproduce without a reset does), counting every draw by type.
func replayDraws(parent *genome.Genome, seed int64, n int) (map[string]int, *genome.Genome, error) {
	rng := newRand(seed, streamMutate)
	g := parent.Clone()
	drawn := map[string]int{}
	for done := 0; done < n; done++ {
		applied := false
		for try := 0; try < maxReplayDraws && !applied; try++ {
			mu := genome.Mutations[rng.IntN(len(genome.Mutations))]
			drawn[mu.Name]++
			next, rec, err := mu.Apply(g, rng)
			if err != nil {
				return nil, nil, err
			}
			if rec.Applied {
				g, applied = next, true
			}
		}
		if !applied {
			return nil, nil, fmt.Errorf("population: replay: no mutation applied")
		}
	}
	return drawn, g, nil
}

// roundTrip passes g through its file format, as a worker reads a parent, and reports
// whether it matches m's recorded architecture and learning rate (checkReplay without the
// reason; a NaN learning rate never matches).
func roundTrip(g *genome.Genome, m *Meta) (*genome.Genome, bool) {
	g, err := checkReplay(g, m)
	return g, err == nil
}

// frameGenome reads the genome of some alive individual: every genome of an experiment has
// the same input shape and classes, which the initial genome needs.
func frameGenome(s Reader) (*genome.Genome, error) {
	ids, err := s.List()
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if g, err := LoadGenome(s, id); err == nil {
			return g, nil
		}
	}
	return nil, fmt.Errorf("population: no readable genome among the alive individuals")
}
