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
