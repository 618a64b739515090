package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"evo/genome"
)

func testDraw(t *testing.T, fx *fixture) {
	g, err := genome.Decode([]byte(mustRun(t, "show", "--dir", fx.dir, "--genome", "best")))
	if err != nil {
		t.Fatal(err)
	}
	svg := mustRun(t, "draw", "--dir", fx.dir, "best")
	if err := wellFormedXML([]byte(svg)); err != nil {
		t.Fatalf("draw: SVG is not well-formed XML: %v", err)
	}
	if !strings.Contains(svg, "<svg") {
		t.Errorf("draw: not an SVG document: %.80q", svg)
	}
	for _, v := range g.Vertices {
		if !strings.Contains(svg, v.ID+" ") {
			t.Errorf("draw: SVG lacks vertex %s", v.ID)
		}
	}

	dot := mustRun(t, "draw", "--dir", fx.dir, "--format", "dot", "best")
	want, _ := genome.DOT(g)
	if !strings.Contains(dot, "digraph") || dot != want {
		t.Errorf("draw --format dot is not genome.DOT of the best genome:\n%s", dot)
	}

	out := filepath.Join(t.TempDir(), "arch.svg")
	if stdout := mustRun(t, "draw", "--dir", fx.dir, "-o", out, "best"); stdout != "" {
		t.Errorf("draw -o also printed %q", stdout)
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != svg {
		t.Errorf("draw -o wrote something else than the SVG on stdout (%v)", err)
	}
	wantErr(t, []string{`--format "png"`, "svg or dot"}, "draw", "--dir", fx.dir, "--format", "png", "best")
}
