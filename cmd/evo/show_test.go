package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"evo/genome"
)

func testShow(t *testing.T, fx *fixture) {
	var top []listRow
	runJSON(t, &top, "list", "--dir", fx.dir, "--limit", "1", "--json")
	var r showReport
	runJSON(t, &r, "show", "--dir", fx.dir, "--json", "best")
	if r.Meta.ID != top[0].ID || r.Meta.Fitness != top[0].Fitness || !r.Alive || r.GenomeSource != "population" {
		t.Errorf("show best: %s fitness %v alive %v from %s; list says %s %v", r.Meta.ID, r.Meta.Fitness, r.Alive, r.GenomeSource, top[0].ID, top[0].Fitness)
	}
	if r.Dir != filepath.Join(mustAbs(t, fx.dir), "population", r.Meta.ID) {
		t.Errorf("show: dir %s", r.Dir)
	}
	for _, name := range []string{"genome.json", "weights.safetensors", "record.json"} {
		p := filepath.Join(r.Dir, name)
		if !contains(r.Files, p) {
			t.Errorf("show: files %v lack %s", r.Files, name)
		} else if _, err := os.Stat(p); err != nil {
			t.Errorf("show lists %s: %v", p, err)
		}
	}

	// The shape summary agrees with the genome file, which --genome prints verbatim.
	raw := mustRun(t, "show", "--dir", fx.dir, "--genome", r.Meta.ID)
	file, err := os.ReadFile(filepath.Join(r.Dir, "genome.json"))
	if err != nil || raw != string(file) {
		t.Fatalf("show --genome differs from genome.json (%v)", err)
	}
	g, err := genome.Decode([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	a := r.Architecture
	if a.Depth != len(g.Vertices)-1 || a.Convs != countConvs(g) || len(a.Vertices) != len(g.Vertices) ||
		a.Input != g.Input || a.Classes != g.Classes || a.Convs+a.Identities != a.Depth {
		t.Errorf("show architecture %+v disagrees with the genome", a)
	}
	if genome.ArchHash(g) != r.Meta.ArchHash {
		t.Errorf("show: arch hash of genome.json differs from the record")
	}

	text := mustRun(t, "show", "--dir", fx.dir, "best")
	for _, want := range []string{r.Meta.ID, "fitness", "FLOPs", "inheritance", "architecture", r.Dir} {
		if !strings.Contains(text, want) {
			t.Errorf("show best: no %q in\n%s", want, text)
		}
	}

	// A dead individual is shown from the history, with its grave.
	var all []listRow
	runJSON(t, &all, "list", "--dir", fx.dir, "--all", "--json")
	for _, row := range all {
		if row.Alive {
			continue
		}
		var d showReport
		runJSON(t, &d, "show", "--dir", fx.dir, "--json", row.ID)
		if d.Alive || d.Died.IsZero() || d.Killer == "" || d.Meta.ID != row.ID || d.GenomeSource != "graveyard" ||
			!strings.Contains(d.Dir, string(filepath.Separator)+"graveyard"+string(filepath.Separator)+row.ID+".") {
			t.Errorf("show dead %s: alive %v died %v killer %q source %s dir %s", row.ID, d.Alive, d.Died, d.Killer, d.GenomeSource, d.Dir)
		}
		if !strings.Contains(mustRun(t, "show", "--dir", fx.dir, row.ID), "dead: killed by") {
			t.Errorf("show dead %s: the text does not say it was killed", row.ID)
		}
		break
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// testCollectedGraves: after the garbage collector removed the graves, a dead individual is
// still shown and drawn (its genome replayed from the history), but it has no weights left.
func testCollectedGraves(t *testing.T, fx *fixture) {
	dir := filepath.Join(t.TempDir(), "exp")
	copyDir(t, fx.dir, dir)
	if err := os.RemoveAll(filepath.Join(dir, "graveyard")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "graveyard"), 0o755); err != nil {
		t.Fatal(err)
	}
	var all []listRow
	runJSON(t, &all, "list", "--dir", dir, "--all", "--json")
	var dead *listRow
	for i := range all {
		if !all[i].Alive && all[i].Parent != "" && (dead == nil || all[i].Generation > dead.Generation) {
			dead = &all[i]
		}
	}
	if dead == nil {
		t.Fatal("no dead child in the fixture")
	}
	var r showReport
	runJSON(t, &r, "show", "--dir", dir, "--json", dead.ID)
	if r.Alive || r.GenomeSource != "replay" || r.Dir != "" || len(r.Files) != 0 || r.Architecture.Depth != *dead.Depth {
		t.Errorf("show of a collected individual: alive %v, source %s, dir %q, depth %d (list: %d)",
			r.Alive, r.GenomeSource, r.Dir, r.Architecture.Depth, *dead.Depth)
	}
	if !strings.Contains(mustRun(t, "show", "--dir", dir, dead.ID), "garbage-collected") {
		t.Errorf("show text does not say the grave was collected")
	}
	if dot := mustRun(t, "draw", "--dir", dir, "-f", "dot", dead.ID); !strings.HasPrefix(dot, "digraph") {
		t.Errorf("draw of a collected individual: %q", dot)
	}
	wantErr(t, []string{dead.ID, "garbage-collected"}, "eval", "--dir", dir, "--data", fx.data, dead.ID)
	wantErr(t, []string{dead.ID, "garbage-collected"}, "export", "--dir", dir, "--data", fx.data, "-o", t.TempDir(), dead.ID)
}

// testDamaged: an alive individual whose record is damaged is left out of list with a
// warning that points at `evo check`, and show names the problem.
func testDamaged(t *testing.T, fx *fixture) {
	dir := filepath.Join(t.TempDir(), "exp")
	copyDir(t, fx.dir, dir)
	var alive []listRow
	runJSON(t, &alive, "list", "--dir", dir, "--json")
	victim := alive[len(alive)-1].ID
	if err := os.WriteFile(filepath.Join(dir, "population", victim, "record.json"), []byte("{torn"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, err := evoIn(t, "list", "--dir", dir)
	if err != nil || strings.Contains(out, victim) || !strings.Contains(errs, "1 alive entries are unreadable") || !strings.Contains(errs, "evo check") {
		t.Errorf("list with a damaged individual: err %v\nstdout:\n%s\nstderr:\n%s", err, out, errs)
	}
	wantErr(t, []string{victim, "unreadable", "evo check"}, "show", "--dir", dir, victim)
}
