package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"evo/genome"
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

		text := mustRun(t, "lineage", "--dir", fx.dir, id)
		lines := strings.Split(strings.TrimSpace(text), "\n")
		if len(lines) != len(l.Chain)+1 || !strings.Contains(lines[1], "(initial individual)") {
			t.Errorf("lineage %s text:\n%s", id, text)
		}
		for i, in := range l.Chain { // oldest first in the text
			line := lines[len(l.Chain)-i]
			if !strings.Contains(line, in.Meta.ID) || (in.Meta.Parent != "" && !strings.Contains(line, mutationText(in.Meta.Mutations[0]))) {
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

// testReplay rebuilds every individual's genome from the history alone and compares it with
// the genome.json it was published with (alive in population/, dead in its grave).
func testReplay(t *testing.T, fx *fixture) {
	e := openTestExperiment(t, fx.dir)
	r, err := e.newReplayer(false)
	if err != nil {
		t.Fatal(err)
	}
	alive := r.alive
	r.alive = map[string]bool{} // forget the files: replay everything from the initial genome
	r.frame, err = e.loadGenome(firstKey(alive))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, id := range r.births.IDs() {
		g, source, err := r.genome(id)
		if err != nil {
			t.Errorf("replay %s: %v", id, err)
			continue
		}
		if source != "replay" {
			t.Errorf("replay %s: source %s", id, source)
		}
		got, err := genome.Encode(g)
		if err != nil {
			t.Fatal(err)
		}
		var want []byte
		if alive[id] {
			want, err = e.root.ReadFile(id, population.GenomeFile, maxGenomeBytes)
		} else {
			want, err = os.ReadFile(filepath.Join(e.graveOf(id), population.GenomeFile))
		}
		if err != nil {
			t.Fatalf("genome of %s: %v", id, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("replayed genome of %s differs from its genome.json:\n%s\nwant\n%s", id, got, want)
		}
		checked++
	}
	if checked < fixtureTrained {
		t.Errorf("replayed %d genomes, want ≥ %d", checked, fixtureTrained)
	}

	// A record that disagrees with the replay is refused, not passed off.
	r2, _ := e.newReplayer(false)
	r2.alive = map[string]bool{}
	r2.frame = r.frame
	for _, id := range r2.births.IDs() {
		if m := r2.meta(id); m.Parent != "" {
			bad := *m
			bad.ArchHash = strings.Repeat("0", 64)
			r2.metas[id] = &bad
			if _, _, err := r2.genome(id); err == nil || !strings.Contains(err.Error(), "record says") {
				t.Errorf("replay against a wrong hash: %v", err)
			}
			break
		}
	}
}

func firstKey(m map[string]bool) string {
	for k := range m {
		return k
	}
	return ""
}
