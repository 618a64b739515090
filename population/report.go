package population

import (
	"sort"
	"time"

	"evo/genome"
	"evo/genome/draw"
)

// This file builds the reports of the inspection commands (`evo show`, `evo list`) from the
// experiment, leaving only their printing to the command.

// Architecture is the shape summary of a genome.
type Architecture struct {
	// Depth is the number of backbone edges (vertices after the input).
	Depth      int             `json:"depth"`
	Convs      int             `json:"convs"`
	Identities int             `json:"identities"`
	Skips      int             `json:"skips"`
	Input      genome.Shape    `json:"input"`
	Output     genome.Shape    `json:"output"`
	Classes    int             `json:"classes"`
	Vertices   []VertexSummary `json:"vertices"`
}

// VertexSummary is one vertex of an Architecture.
type VertexSummary struct {
	ID         string       `json:"id"`
	Shape      genome.Shape `json:"shape"`
	Activation string       `json:"activation"`
	// In describes the primary in-edge (empty for the input vertex).
	In string `json:"in,omitempty"`
	// Skips are the vertices whose skip edges end here.
	Skips []string `json:"skips,omitempty"`
}

// ArchitectureOf counts g's edges by kind and lists its vertices with their shapes.
func ArchitectureOf(g *genome.Genome) (Architecture, error) {
	shapes, err := g.Shapes()
	if err != nil {
		return Architecture{}, err
	}
	a := Architecture{Depth: len(g.Vertices) - 1, Input: g.Input, Classes: g.Classes,
		Output: shapes[g.OutputVertex().ID]}
	for _, e := range g.Edges {
		switch {
		case e.Skip:
			a.Skips++
		case e.Kind == genome.Conv:
			a.Convs++
		default:
			a.Identities++
		}
	}
	for i, v := range g.Vertices {
		vs := VertexSummary{ID: v.ID, Shape: shapes[v.ID], Activation: string(v.Activation)}
		if i > 0 {
			if e, ok := g.PrimaryIn(v.ID); ok {
				vs.In = draw.EdgeLabel(e)
			}
		}
		for _, s := range g.SkipsIn(v.ID) {
			vs.Skips = append(vs.Skips, s.From)
		}
		a.Vertices = append(a.Vertices, vs)
	}
	return a, nil
}

// ShowReport is `evo show --json`: an individual, where its files are and its architecture.
type ShowReport struct {
	Individual
	// Dir is the individual's directory (population/<id>/ or its grave); empty once collected.
	Dir string `json:"dir,omitempty"`
	// Files are the paths of the files in Dir.
	Files []string `json:"files,omitempty"`
	// GenomeSource says where the genome came from: SourcePopulation, SourceGraveyard or
	// SourceReplay.
	GenomeSource string       `json:"genome_source"`
	Architecture Architecture `json:"architecture"`
}

// Fittest returns the k fittest alive individuals that trained (status ok), best first: fewer
// when fewer are alive, none when none is.
func Fittest(s Reader, k int) ([]Individual, error) {
	list, _, err := Individuals(s)
	if err != nil {
		return nil, err
	}
	var ok []Individual
	for _, in := range list {
		if in.Meta.Status == StatusOK {
			ok = append(ok, in)
		}
	}
	sort.SliceStable(ok, func(i, j int) bool { return ok[i].Meta.Fitness > ok[j].Meta.Fitness })
	return ok[:min(k, len(ok))], nil
}

// WithDead adds every dead individual of the history to the alive ones, and sorts the whole
// list fittest first (ties: older first).
func WithDead(s Reader, alive []Individual) ([]Individual, error) {
	ids, err := s.List()
	if err != nil {
		return nil, err
	}
	present := make(map[string]bool, len(ids))
	for _, id := range ids {
		present[id] = true
	}
	births := map[string]*Meta{}
	kills := map[string]Event{}
	if _, err := ReadEvents(s, func(ev Event) error {
		switch {
		case ev.Event == EventBirth && ev.Meta != nil && births[ev.Meta.ID] == nil:
			births[ev.Meta.ID] = ev.Meta
		case ev.Event == EventKill:
			if _, dup := kills[ev.ID]; !dup {
				kills[ev.ID] = ev
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	all := append([]Individual(nil), alive...)
	for id, m := range births {
		if present[id] {
			continue
		}
		in := Individual{Meta: *m}
		if k, ok := kills[id]; ok {
			in.Died, in.Killer = k.Time, k.Worker
		}
		all = append(all, in)
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i].Meta, all[j].Meta
		if a.Fitness != b.Fitness {
			return a.Fitness > b.Fitness
		}
		return a.Born.Before(b.Born)
	})
	return all, nil
}

// ListRow is one line of `evo list` (and one element of its --json array).
type ListRow struct {
	ID           string    `json:"id"`
	Fitness      float64   `json:"fitness"`
	Status       string    `json:"status"`
	Alive        bool      `json:"alive"`
	Params       int64     `json:"params"`
	Convs        *int      `json:"convs"`
	Depth        *int      `json:"depth"`
	LearningRate float64   `json:"learning_rate"`
	Generation   int       `json:"generation"`
	Parent       string    `json:"parent,omitempty"`
	Born         time.Time `json:"born"`
	Died         time.Time `json:"died,omitzero"`
	// AgeSeconds is the time since birth, or for a dead individual the time it lived; null
	// when its death was not recorded.
	AgeSeconds *float64 `json:"age_seconds"`
}

// ListRows describes ins at time now; r (reading no graves) gives each one's architecture,
// left null when its genome cannot be rebuilt.
func ListRows(ins []Individual, r *Replayer, now time.Time) []ListRow {
	rows := make([]ListRow, 0, len(ins))
	for _, in := range ins {
		m := in.Meta
		row := ListRow{ID: m.ID, Fitness: m.Fitness, Status: m.Status, Alive: in.Alive, Params: m.Params,
			LearningRate: m.LearningRate, Generation: m.Generation, Parent: m.Parent, Born: m.Born, Died: in.Died}
		switch {
		case in.Alive:
			age := now.Sub(m.Born).Seconds()
			row.AgeSeconds = &age
		case !in.Died.IsZero():
			age := in.Died.Sub(m.Born).Seconds()
			row.AgeSeconds = &age
		}
		r.Learn(in.Meta)
		if g, _, err := r.Genome(m.ID); err == nil {
			convs, depth := countConvs(g), len(g.Vertices)-1
			row.Convs, row.Depth = &convs, &depth
		}
		rows = append(rows, row)
	}
	return rows
}

func countConvs(g *genome.Genome) int {
	n := 0
	for _, e := range g.Edges {
		if e.Kind == genome.Conv {
			n++
		}
	}
	return n
}
