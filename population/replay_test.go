package population

import (
	"bytes"
	"strings"
	"testing"

	"evo/genome"
)

// TestReplayer rebuilds every individual's genome, from its files and from the history alone,
// and compares it with the genome.json it was published with (alive in population/, dead in
// its grave).
func TestReplayer(t *testing.T) {
	cfg := testConfig(6)
	cfg.MaxIndividuals = 30
	root := newRoot(t)
	defer root.Close()
	s := FromStorage(root)
	runClean(t, s, newFakeTrainer(), cfg, 2)
	stored := func(id string, alive bool) []byte {
		t.Helper()
		var b []byte
		var err error
		if alive {
			b, err = s.ReadFile(id, GenomeFile, genome.MaxEncodedSize)
		} else {
			b, err = root.ReadDeadFile(id, GenomeFile, genome.MaxEncodedSize)
		}
		if err != nil {
			t.Fatalf("genome.json of %s: %v", id, err)
		}
		return b
	}
	encode := func(g *genome.Genome) []byte {
		b, err := genome.Encode(g)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	t.Run("files", func(t *testing.T) {
		r, err := NewReplayer(s, root)
		if err != nil {
			t.Fatal(err)
		}
		dead := 0
		for _, id := range r.births.IDs() {
			g, source, err := r.Genome(id)
			if err != nil {
				t.Fatalf("%s: %v", id, err)
			}
			want := SourceGraveyard
			if r.alive[id] {
				want = SourcePopulation
			} else {
				dead++
			}
			if source != want {
				t.Errorf("%s: source %s, want %s", id, source, want)
			}
			if !bytes.Equal(encode(g), stored(id, r.alive[id])) {
				t.Errorf("%s: genome differs from its genome.json", id)
			}
		}
		if dead == 0 {
			t.Fatal("the run killed nobody: nothing read from a grave")
		}
	})

	t.Run("history only", func(t *testing.T) {
		r, err := NewReplayer(s, nil)
		if err != nil {
			t.Fatal(err)
		}
		alive := r.alive
		r.alive = map[string]bool{} // forget the files: replay everything from the initial genome
		for id := range alive {
			if r.frame, err = LoadGenome(s, id); err != nil {
				t.Fatal(err)
			}
			break
		}
		n := 0
		for _, id := range r.births.IDs() {
			g, source, err := r.Genome(id)
			if err != nil {
				t.Fatalf("replay %s: %v", id, err)
			}
			if source != SourceReplay {
				t.Errorf("%s: source %s", id, source)
			}
			if !bytes.Equal(encode(g), stored(id, alive[id])) {
				t.Errorf("replayed genome of %s differs from its genome.json", id)
			}
			n++
		}
		if n < cfg.MaxIndividuals {
			t.Errorf("replayed %d genomes, want ≥ %d", n, cfg.MaxIndividuals)
		}
	})

	t.Run("wrong record", func(t *testing.T) {
		r, err := NewReplayer(s, nil)
		if err != nil {
			t.Fatal(err)
		}
		r.alive = map[string]bool{}
		r.frame, _ = LoadGenome(s, mustList(t, s)[0])
		for _, id := range r.births.IDs() {
			if m := r.meta(id); m.Parent != "" {
				bad := *m
				bad.ArchHash = strings.Repeat("0", 64)
				r.metas[id] = &bad
				if _, _, err := r.Genome(id); err == nil || !strings.Contains(err.Error(), "record says") {
					t.Errorf("replay against a wrong hash: %v", err)
				}
				return
			}
		}
		t.Fatal("no child in the history")
	})

	t.Run("unknown", func(t *testing.T) {
		r, err := NewReplayer(s, root)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := r.Genome("20260105T101530.123456789Z-0123456789ab"); err == nil {
			t.Error("an id the history does not know replays")
		}
	})
}

func mustList(t *testing.T, s Reader) []string {
	t.Helper()
	ids, err := s.List()
	if err != nil || len(ids) == 0 {
		t.Fatalf("list: %v %v", ids, err)
	}
	return ids
}
