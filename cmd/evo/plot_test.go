package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"evo/population"
)

func testPlot(t *testing.T, fx *fixture) {
	dir := t.TempDir()
	pngPath := filepath.Join(dir, "fig1.png")
	mustRun(t, "plot", "--dir", fx.dir, "-o", pngPath)
	f, err := os.Open(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatalf("plot wrote an invalid PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 400 || b.Dy() < 250 {
		t.Errorf("plot PNG is %v", b)
	}

	svgPath := filepath.Join(dir, "fig1.svg")
	mustRun(t, "plot", "--dir", fx.dir, "--output", svgPath, "--title", "digits & <friends>")
	b, err := os.ReadFile(svgPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := wellFormedXML(b); err != nil {
		t.Fatalf("plot SVG is not well-formed XML: %v", err)
	}
	if !bytes.Contains(b, []byte("<svg")) {
		t.Errorf("plot SVG has no <svg> element")
	}

	// The default file name lands in the current directory.
	t.Chdir(dir)
	mustRun(t, "plot", "--dir", fx.dir)
	if _, err := os.Stat(filepath.Join(dir, "evo-plot.png")); err != nil {
		t.Errorf("plot without -o: %v", err)
	}

	wantErr(t, []string{"fig.pdf", ".png or .svg"}, "plot", "--dir", fx.dir, "-o", filepath.Join(dir, "fig.pdf"))
	wantErr(t, []string{"nothing to plot", fx.empty}, "plot", "--dir", fx.empty, "-o", filepath.Join(dir, "x.png"))
}

// TestTimelinePlot checks the plot's data: one dot per individual, alive and dead apart, and
// the best-so-far line running to the last birth.
func TestTimelinePlot(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tl := population.Timeline{Start: t0, Points: []population.Point{
		{ID: "a", Born: t0.Add(time.Minute), Fitness: 0.2},
		{ID: "b", Born: t0.Add(2 * time.Minute), Fitness: 0.5, Alive: true},
		{ID: "c", Born: t0.Add(4 * time.Minute), Fitness: 0.4, Alive: true},
	}, BestSoFar: []population.BestPoint{{Time: t0.Add(time.Minute), Fitness: 0.2}, {Time: t0.Add(2 * time.Minute), Fitness: 0.5}}}
	p, err := timelinePlot(tl, "t")
	if err != nil {
		t.Fatal(err)
	}
	if p.X.Label.Text != "wall time since start (minutes)" || p.X.Max != 4 || p.Y.Min != 0 || p.Y.Max != 1 {
		t.Errorf("axes: %q x max %v, y %v..%v", p.X.Label.Text, p.X.Max, p.Y.Min, p.Y.Max)
	}
	tl.Points[2].Born = t0.Add(5 * time.Hour)
	if p, _ = timelinePlot(tl, "t"); p.X.Label.Text != "wall time since start (hours)" || p.X.Max != 5 {
		t.Errorf("a 5-hour run: %q, x max %v", p.X.Label.Text, p.X.Max)
	}
	short := population.Timeline{Start: t0, Points: []population.Point{{ID: "a", Born: t0.Add(90 * time.Second), Fitness: 0.3, Alive: true}},
		BestSoFar: []population.BestPoint{{Time: t0.Add(90 * time.Second), Fitness: 0.3}}}
	if p, _ = timelinePlot(short, "t"); p.X.Label.Text != "wall time since start (seconds)" || p.X.Max != 90 {
		t.Errorf("a 2-minute run: %q, x max %v", p.X.Label.Text, p.X.Max)
	}
}

// wellFormedXML reads every token of b.
func wellFormedXML(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
