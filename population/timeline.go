package population

import "time"

// Point is one individual on the timeline (the paper's Figure 1).
type Point struct {
	ID      string    `json:"id"`
	Parent  string    `json:"parent,omitempty"`
	Born    time.Time `json:"born"`
	Fitness float64   `json:"fitness"`
	Status  string    `json:"status"`
	Alive   bool      `json:"alive"`
	// Died is when it was killed (zero while alive or when not recorded).
	Died time.Time `json:"died,omitzero"`
}

// BestPoint is a new best-so-far fitness.
type BestPoint struct {
	Time    time.Time `json:"time"`
	ID      string    `json:"id"`
	Fitness float64   `json:"fitness"`
}

// Timeline is every birth of an experiment in time order, and the best fitness so far.
type Timeline struct {
	// Start is the first worker start; plot times relative to it.
	Start  time.Time `json:"start"`
	Points []Point   `json:"points"`
	// BestSoFar has one entry per improvement of the best fitness, in time order.
	BestSoFar []BestPoint `json:"best_so_far"`
}

// TimelineOf reads the history and the population into a Timeline.
func TimelineOf(s Reader) (Timeline, error) {
	alive, _, err := aliveSet(s)
	if err != nil {
		return Timeline{}, err
	}
	b, err := openBooks(s, true, false)
	if err != nil {
		return Timeline{}, err
	}
	order := b.order()
	t := Timeline{Start: b.summary.Start, Points: make([]Point, 0, len(order))}
	best := -1.0
	for _, bi := range order {
		p := Point{ID: bi.id, Parent: bi.parent, Born: bi.born, Fitness: bi.fitness, Status: bi.status, Alive: alive[bi.id]}
		if d, ok := b.death(bi.id); ok && !p.Alive {
			p.Died = d.time
		}
		t.Points = append(t.Points, p)
		if p.Fitness > best {
			best = p.Fitness
			t.BestSoFar = append(t.BestSoFar, BestPoint{Time: p.Born, ID: p.ID, Fitness: p.Fitness})
		}
	}
	return t, nil
}
