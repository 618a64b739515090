package population

import (
	"sort"
	"testing"
)

// meanAliveFitness runs an experiment and returns the mean fitness of the final population.
func meanAliveFitness(t *testing.T, selection string, individuals int) float64 {
	t.Helper()
	const workers = 3
	cfg := testConfig(20)
	cfg.Selection, cfg.MaxIndividuals, cfg.TournamentSize = selection, individuals, 4
	s := FromStorage(newRoot(t))
	runClean(t, s, newFakeTrainer(), cfg, workers)
	list, _, err := Individuals(s)
	if err != nil || len(list) == 0 {
		t.Fatalf("%d individuals, %v", len(list), err)
	}
	sum := 0.0
	for _, in := range list {
		sum += in.Meta.Fitness
	}
	return sum / float64(len(list))
}

// TestSelectionSelects: with a fitness that rewards convolutions, tournament and aging
// selection raise the population's fitness well above the initial 0.1, and above random
// search with the same budget.
func TestSelectionSelects(t *testing.T) {
	const individuals = 300
	random := meanAliveFitness(t, SelectRandom, individuals)
	for _, sel := range []string{SelectTournament, SelectAging} {
		got := meanAliveFitness(t, sel, individuals)
		t.Logf("%s: mean final fitness %.3f, random search %.3f", sel, got, random)
		if got < 0.5 || got < random+0.25 {
			t.Errorf("%s: mean final fitness %.3f, random search %.3f: selection does not select", sel, got, random)
		}
	}
}

// TestAgingKillsOldest replays a one-worker aging run: every selection kill took the oldest
// alive individual, or the second oldest when the oldest was the parent.
func TestAgingKillsOldest(t *testing.T) {
	cfg := testConfig(10)
	cfg.Selection, cfg.TournamentSize, cfg.MaxIndividuals = SelectAging, 3, 60
	s := FromStorage(newRoot(t))
	runClean(t, s, newFakeTrainer(), cfg, 1)
	var events []Event
	if _, err := ReadEvents(s, func(e Event) error {
		events = append(events, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	alive := map[string]bool{}
	checked := 0
	for i, e := range events {
		switch e.Event {
		case EventBirth:
			alive[e.Meta.ID] = true
		case EventKill:
			var ids []string
			for id := range alive {
				ids = append(ids, id)
			}
			sort.Strings(ids) // ids sort by birth
			parent := ""
			for _, next := range events[i+1:] {
				if next.Event == EventBirth {
					parent = next.Meta.Parent
					break
				}
			}
			want := ids[0]
			if want == parent {
				want = ids[1]
			}
			if e.Cause == CauseSelection {
				checked++
				if e.ID != want {
					t.Errorf("aging killed %s, the oldest (not the parent) was %s", e.ID, want)
				}
			}
			delete(alive, e.ID)
		}
	}
	if checked < 40 {
		t.Errorf("only %d selection kills checked", checked)
	}
}
