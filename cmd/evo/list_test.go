package main

import (
	"sort"
	"strings"
	"testing"
)

func testList(t *testing.T, fx *fixture) {
	var alive []listRow
	runJSON(t, &alive, "list", "--dir", fx.dir, "--json")
	if len(alive) < 2 || len(alive) > fixturePopulation {
		t.Fatalf("list: %d alive individuals, want 2..%d", len(alive), fixturePopulation)
	}
	if !sort.SliceIsSorted(alive, func(i, j int) bool { return alive[i].Fitness > alive[j].Fitness }) {
		t.Errorf("list --json is not sorted by fitness: %+v", alive)
	}
	for _, r := range alive {
		if !r.Alive || r.Status != "ok" || r.Params <= 0 || r.Convs == nil || r.Depth == nil || *r.Depth < 1 ||
			r.AgeSeconds == nil || *r.AgeSeconds < 0 || r.LearningRate <= 0 || (r.Generation == 0) != (r.Parent == "") {
			t.Errorf("list row %+v", r)
		}
	}

	// The text table lists the same individuals in the same order.
	lines := strings.Split(strings.TrimSpace(mustRun(t, "list", "--dir", fx.dir)), "\n")
	if len(lines) != len(alive)+1 || !strings.HasPrefix(lines[0], "ID") {
		t.Fatalf("list: %d lines, want a header and %d rows:\n%s", len(lines), len(alive), strings.Join(lines, "\n"))
	}
	for i, r := range alive {
		if f := strings.Fields(lines[i+1]); f[0] != r.ID {
			t.Errorf("list line %d is %s, --json has %s", i+1, f[0], r.ID)
		}
	}

	var all []listRow
	runJSON(t, &all, "list", "--dir", fx.dir, "--all", "--json")
	if len(all) < fixtureTrained {
		t.Fatalf("list --all: %d individuals, want every one trained (≥ %d)", len(all), fixtureTrained)
	}
	if !sort.SliceIsSorted(all, func(i, j int) bool { return all[i].Fitness > all[j].Fitness }) {
		t.Errorf("list --all is not sorted by fitness")
	}
	dead, ids := 0, map[string]bool{}
	for _, r := range all {
		if ids[r.ID] {
			t.Errorf("list --all: %s twice", r.ID)
		}
		ids[r.ID] = true
		if !r.Alive {
			dead++
			if r.Died.IsZero() || r.AgeSeconds == nil {
				t.Errorf("dead individual %s: no recorded death (%+v)", r.ID, r)
			}
		}
		// Dead individuals' architectures are replayed from the history.
		if r.Convs == nil || r.Depth == nil {
			t.Errorf("list --all: no architecture for %s (alive %v)", r.ID, r.Alive)
		}
	}
	if dead != len(all)-len(alive) || dead == 0 {
		t.Errorf("list --all: %d dead of %d, want %d", dead, len(all), len(all)-len(alive))
	}
	for _, r := range alive {
		if !ids[r.ID] {
			t.Errorf("list --all lacks alive %s", r.ID)
		}
	}

	var two []listRow
	runJSON(t, &two, "list", "--dir", fx.dir, "--limit", "2", "--json")
	if len(two) != 2 || two[0].ID != alive[0].ID || two[1].ID != alive[1].ID {
		t.Errorf("list --limit 2: %+v", two)
	}
	if out := mustRun(t, "list", "--dir", fx.empty); !strings.Contains(out, "no individuals yet") {
		t.Errorf("list of an empty experiment: %q", out)
	}
}
