package population

import (
	"testing"
	"time"

	"evo/genome"
)

func TestArchitectureOf(t *testing.T) {
	g := genome.Initial(testInput, testClasses)
	a, err := ArchitectureOf(g)
	if err != nil {
		t.Fatal(err)
	}
	if a.Depth != len(g.Vertices)-1 || a.Input != g.Input || a.Classes != g.Classes ||
		len(a.Vertices) != len(g.Vertices) || a.Convs+a.Identities != a.Depth || a.Skips != 0 {
		t.Errorf("architecture %+v of the initial genome", a)
	}
	if a.Vertices[0].In != "" {
		t.Errorf("the input vertex has an in-edge: %q", a.Vertices[0].In)
	}
	for _, v := range a.Vertices[1:] {
		if v.In == "" {
			t.Errorf("vertex %s: no in-edge", v.ID)
		}
	}
}

// TestListReports builds `evo list --all` from a finished run: every birth appears once, the
// alive ones are flagged, the list is sorted fittest first, the dead carry their death, and
// every row has an architecture replayed from the history.
func TestListReports(t *testing.T) {
	cfg := testConfig(5)
	cfg.MaxIndividuals = 20
	root := newRoot(t)
	defer root.Close()
	s := FromStorage(root)
	runClean(t, s, newFakeTrainer(), cfg, 2)
	b, kills := births(t, s)
	alive, _, err := Individuals(s)
	if err != nil {
		t.Fatal(err)
	}
	all, err := WithDead(s, alive)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(b) {
		t.Fatalf("WithDead: %d individuals, the history has %d births", len(all), len(b))
	}
	killed := map[string]bool{}
	for _, k := range kills {
		killed[k.ID] = true
	}
	seen := map[string]bool{}
	for i, in := range all {
		if seen[in.Meta.ID] {
			t.Errorf("%s listed twice", in.Meta.ID)
		}
		seen[in.Meta.ID] = true
		if i > 0 && all[i-1].Meta.Fitness < in.Meta.Fitness {
			t.Errorf("not sorted fittest first at %d", i)
		}
		if !in.Alive && killed[in.Meta.ID] && in.Died.IsZero() {
			t.Errorf("dead %s has no time of death", in.Meta.ID)
		}
	}
	top, err := Fittest(s, 3)
	if err != nil || len(top) == 0 || len(top) > 3 {
		t.Fatalf("Fittest(3): %d, %v", len(top), err)
	}
	for i, in := range top {
		if !in.Alive || in.Meta.Status != StatusOK || i > 0 && top[i-1].Meta.Fitness < in.Meta.Fitness {
			t.Errorf("Fittest %d: %+v", i, in.Meta)
		}
	}
	if all, _ := Fittest(s, 1000); len(all) > len(alive) {
		t.Errorf("Fittest(1000) returned %d of %d alive", len(all), len(alive))
	}
	r, err := NewReplayer(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	rows := ListRows(all, r, now)
	if len(rows) != len(all) {
		t.Fatalf("%d rows for %d individuals", len(rows), len(all))
	}
	for i, row := range rows {
		if row.ID != all[i].Meta.ID || row.Alive != all[i].Alive || row.Convs == nil || row.Depth == nil {
			t.Errorf("row %+v for %s", row, all[i].Meta.ID)
		}
		if row.Alive && (row.AgeSeconds == nil || *row.AgeSeconds < 0) {
			t.Errorf("alive row %s: age %v", row.ID, row.AgeSeconds)
		}
	}
}
