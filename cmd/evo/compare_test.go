package main

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"evo/population"
)

// testCompare compares the fixture with a copy of itself (a group of two identical runs)
// and with itself under another label, and reads its mutation statistics.
func testCompare(t *testing.T, fx *fixture) {
	tmp := t.TempDir()
	twin := filepath.Join(tmp, "twin")
	copyDir(t, fx.dir, twin)
	base := filepath.Join(tmp, "fig2.png")
	var got struct {
		Groups []compareGroup `json:"groups"`
		Runs   []compareRun   `json:"runs"`
	}
	runJSON(t, &got, "compare", "--json", "-o", base, fx.dir, twin, fx.dir+"=other")
	if len(got.Groups) != 2 || got.Groups[0].Label != "evolution" || got.Groups[0].Runs != 2 || got.Groups[1].Label != "other" {
		t.Fatalf("groups %+v, want evolution (2 runs) and other", got.Groups)
	}
	g := got.Groups[0]
	if g.Best.Min != g.Best.Max || g.Best.Mean != got.Runs[0].Best || got.Runs[0].Best <= 0 {
		t.Errorf("two copies of one run: best %+v, run best %g", g.Best, got.Runs[0].Best)
	}
	if len(g.ByFLOPs) == 0 || len(g.ByWall) == 0 {
		t.Fatal("no sampled curve")
	}
	last := g.ByFLOPs[len(g.ByFLOPs)-1]
	if last.Mean != got.Runs[0].Best || last.Min != last.Max {
		t.Errorf("the curve ends at %+v, want the run's best %g", last, got.Runs[0].Best)
	}
	for _, suffix := range []string{"-flops.png", "-wall.png"} {
		f, err := os.Open(filepath.Join(tmp, "fig2"+suffix))
		if err != nil {
			t.Fatal(err)
		}
		_, err = png.Decode(f)
		f.Close()
		if err != nil {
			t.Errorf("fig2%s is not a PNG: %v", suffix, err)
		}
	}
	table := mustRun(t, "compare", "-o", "", "--label", "a", "--label", "b", fx.dir, twin)
	if !strings.Contains(table, "best validation") || !strings.Contains(table, "\na ") || !strings.Contains(table, "\nb ") {
		t.Errorf("compare table:\n%s", table)
	}
	wantErr(t, []string{"--label", "2 directories"}, "compare", "-o", "", "--label", "a", fx.dir, twin)
	wantErr(t, []string{fx.empty, "no individual"}, "compare", "-o", "", fx.empty)

	var st population.MutationStats
	runJSON(t, &st, "stats", "--json", "--dir", fx.dir)
	applied := 0
	for _, m := range st.Mutations {
		applied += m.Applied
		if m.Drawn < m.Applied {
			t.Errorf("%s: drawn %d < applied %d", m.Name, m.Drawn, m.Applied)
		}
	}
	if st.Children == 0 || st.Replayed != st.Children || applied < st.Children {
		t.Errorf("stats: %d children, %d replayed, %d mutations applied", st.Children, st.Replayed, applied)
	}
	if out := mustRun(t, "stats", "--dir", fx.dir); !strings.Contains(out, "median") {
		t.Errorf("stats table:\n%s", out)
	}
}
