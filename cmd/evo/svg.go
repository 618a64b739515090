package main

import (
	"io"

	"evo/genome"
	"evo/genome/draw"
)

// writeSVG draws g as a standalone SVG document (genome/draw, with ajstarks/svgo).
func writeSVG(w io.Writer, g *genome.Genome) error { return draw.SVG(w, g) }

// edgeLabel describes a primary edge: "e7 conv 3×5 /2 → 64" or "e7 identity".
func edgeLabel(e genome.Edge) string { return draw.EdgeLabel(e) }
