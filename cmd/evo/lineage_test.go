package main

import (
	"strings"
	"testing"

	"evo/cmd/evo/internal/text"
	"evo/population"
)

func testLineage(t *testing.T, fx *fixture) {
	var deepest listRow
	var all []listRow
	runJSON(t, &all, "list", "--dir", fx.dir, "--all", "--json")
	for _, r := range all {
		if r.Generation > deepest.Generation {
			deepest = r
		}
	}
	if deepest.Generation < 2 {
		t.Fatalf("the fixture has no individual of generation 2 or more")
	}
	for _, id := range []string{"best", deepest.ID} {
		var l population.Lineage
		runJSON(t, &l, "lineage", "--dir", fx.dir, "--json", id)
		if !l.Complete || len(l.Chain) == 0 {
			t.Fatalf("lineage %s: complete %v, %d links", id, l.Complete, len(l.Chain))
		}
		last := l.Chain[len(l.Chain)-1].Meta
		if last.Parent != "" || last.Generation != 0 {
			t.Errorf("lineage %s ends with %s (parent %q, generation %d), not an initial individual", id, last.ID, last.Parent, last.Generation)
		}
		for i := 0; i+1 < len(l.Chain); i++ {
			m, p := l.Chain[i].Meta, l.Chain[i+1].Meta
			if m.Parent != p.ID || m.Generation != p.Generation+1 || len(m.Mutations) == 0 {
				t.Errorf("lineage %s: link %d (%s, gen %d, parent %s, %d mutations) does not follow %s (gen %d)",
					id, i, m.ID, m.Generation, m.Parent, len(m.Mutations), p.ID, p.Generation)
			}
		}
		if id != "best" && (l.Chain[0].Meta.ID != deepest.ID || len(l.Chain) != deepest.Generation+1) {
			t.Errorf("lineage of %s: starts at %s with %d links", deepest.ID, l.Chain[0].Meta.ID, len(l.Chain))
		}

		txt := mustRun(t, "lineage", "--dir", fx.dir, id)
		lines := strings.Split(strings.TrimSpace(txt), "\n")
		if len(lines) != len(l.Chain)+1 || !strings.Contains(lines[1], "(initial individual)") {
			t.Errorf("lineage %s text:\n%s", id, txt)
		}
		for i, in := range l.Chain { // oldest first in the text
			line := lines[len(l.Chain)-i]
			if !strings.Contains(line, in.Meta.ID) || (in.Meta.Parent != "" && !strings.Contains(line, text.MutationText(in.Meta.Mutations[0]))) {
				t.Errorf("lineage text line %q: want %s and its mutation", line, in.Meta.ID)
			}
		}
		dot := mustRun(t, "lineage", "--dir", fx.dir, "--dot", id)
		if !strings.HasPrefix(dot, "digraph") || strings.Count(dot, "->") != len(l.Chain)-1 {
			t.Errorf("lineage --dot: %d edges for %d links:\n%s", strings.Count(dot, "->"), len(l.Chain), dot)
		}
		for _, in := range l.Chain {
			if !strings.Contains(dot, `"`+in.Meta.ID+`"`) {
				t.Errorf("lineage --dot lacks %s", in.Meta.ID)
			}
		}
	}
}
