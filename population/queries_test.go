package population

import (
	"errors"
	"testing"
	"time"
)

func TestQueries(t *testing.T) {
	const workers = 3
	cfg := testConfig(10)
	cfg.MaxIndividuals = 80
	s := FromStorage(newRoot(t))
	runClean(t, s, newFakeTrainer(), cfg, workers)
	b, kills := births(t, s)
	ids, err := s.List()
	if err != nil {
		t.Fatal(err)
	}

	t.Run("status", func(t *testing.T) {
		rep, err := Status(s, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if rep.Alive != len(ids) || rep.Trained != len(b) || rep.Kills != len(kills) {
			t.Errorf("status alive %d trained %d kills %d; want %d %d %d", rep.Alive, rep.Trained, rep.Kills, len(ids), len(b), len(kills))
		}
		if rep.FLOPsTotal != float64(len(b)*fakeCost) {
			t.Errorf("flops_total %g, want %d", rep.FLOPsTotal, len(b)*fakeCost)
		}
		best := 0.0
		for _, id := range ids {
			best = max(best, b[id].Fitness)
		}
		if rep.Best.Fitness != best || b[rep.Best.ID] == nil || b[rep.Best.ID].Fitness != best {
			t.Errorf("best %+v, want fitness %g", rep.Best, best)
		}
		if rep.Workers != 0 || len(rep.WorkerStatus) != workers {
			t.Errorf("%d alive workers of %d heartbeats after the run; want 0 of %d", rep.Workers, len(rep.WorkerStatus), workers)
		}
		if rep.PerMinute <= 0 || rep.Started.IsZero() {
			t.Errorf("rate %g, start %v", rep.PerMinute, rep.Started)
		}
	})

	t.Run("individuals", func(t *testing.T) {
		list, bad, err := Individuals(s)
		if err != nil || bad != 0 || len(list) != len(ids) {
			t.Fatalf("%d individuals, %d unreadable, %v; want %d", len(list), bad, err, len(ids))
		}
		for i := 1; i < len(list); i++ {
			if list[i].Meta.Fitness > list[i-1].Meta.Fitness {
				t.Errorf("not sorted by fitness at %d", i)
			}
		}
	})

	t.Run("lineage", func(t *testing.T) {
		for _, id := range ids {
			l, err := LineageOf(s, id)
			if err != nil {
				t.Fatal(err)
			}
			if !l.Complete || l.Chain[0].Meta.ID != id || !l.Chain[0].Alive {
				t.Fatalf("lineage of %s: complete %v, first %s", id, l.Complete, l.Chain[0].Meta.ID)
			}
			for i := 0; i+1 < len(l.Chain); i++ {
				c, p := l.Chain[i].Meta, l.Chain[i+1].Meta
				if c.Parent != p.ID || c.Generation != p.Generation+1 || len(c.Mutations) == 0 {
					t.Errorf("lineage of %s: link %s ← %s broken (generations %d, %d; %d mutations)",
						id, c.ID, p.ID, c.Generation, p.Generation, len(c.Mutations))
				}
			}
			if last := l.Chain[len(l.Chain)-1].Meta; last.Parent != "" || last.Generation != 0 {
				t.Errorf("lineage of %s ends at %s, not an initial individual", id, last.ID)
			}
		}
		if _, err := LineageOf(s, "no-such-id"); !errors.Is(err, ErrUnknown) {
			t.Errorf("unknown id: %v, want ErrUnknown", err)
		}
	})

	t.Run("timeline", func(t *testing.T) {
		tl, err := TimelineOf(s)
		if err != nil {
			t.Fatal(err)
		}
		if len(tl.Points) != len(b) {
			t.Fatalf("%d points, want %d", len(tl.Points), len(b))
		}
		alive := 0
		for i, p := range tl.Points {
			if i > 0 && p.Born.Before(tl.Points[i-1].Born) {
				t.Errorf("points out of time order at %d", i)
			}
			if p.Alive {
				alive++
			} else if p.Died.IsZero() {
				t.Errorf("dead %s has no kill time", p.ID)
			}
		}
		if alive != len(ids) {
			t.Errorf("%d alive points, want %d", alive, len(ids))
		}
		for i := 1; i < len(tl.BestSoFar); i++ {
			if tl.BestSoFar[i].Fitness <= tl.BestSoFar[i-1].Fitness {
				t.Errorf("best-so-far does not increase at %d", i)
			}
		}
	})

	t.Run("show", func(t *testing.T) {
		var dead string
		for id := range b {
			if !contains(ids, id) {
				dead = id
				break
			}
		}
		in, err := Show(s, dead)
		if err != nil || in.Alive || in.Died.IsZero() || in.Killer == "" {
			t.Errorf("show dead %s: %+v, %v", dead, in, err)
		}
		in, err = Show(s, ids[0])
		if err != nil || !in.Alive || in.Meta.ID != ids[0] {
			t.Errorf("show alive %s: %+v, %v", ids[0], in, err)
		}
		if _, err := Show(s, "nope"); !errors.Is(err, ErrUnknown) {
			t.Errorf("show unknown: %v", err)
		}
	})
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
