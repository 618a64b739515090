package main

import (
	"fmt"
	"html"
	"io"
	"strings"

	"evo/genome"
)

// Layout of the architecture drawing: the backbone runs top to bottom, one box per vertex,
// primary edges between consecutive boxes, skip edges as dashed arcs on the right.
const (
	svgBoxW    = 300
	svgBoxH    = 34
	svgRowGap  = 40 // vertical space between boxes, where primary-edge labels go
	svgMargin  = 20
	svgSkipGap = 16 // horizontal spacing of nested skip arcs
)

// writeSVG draws g as a standalone SVG document. It needs no external tool (Graphviz is only
// needed to render the DOT output).
func writeSVG(w io.Writer, g *genome.Genome) error {
	shapes, err := g.Shapes()
	if err != nil {
		return err
	}
	index := make(map[string]int, len(g.Vertices))
	for i, v := range g.Vertices {
		index[v.ID] = i
	}
	var skips []genome.Edge
	for _, e := range g.Edges {
		if e.Skip {
			skips = append(skips, e)
		}
	}
	rows := len(g.Vertices) + 1 // the head is the last row
	width := svgMargin*2 + svgBoxW + svgSkipGap*(len(skips)+1) + 40
	height := svgMargin*2 + rows*svgBoxH + (rows-1)*svgRowGap
	rowY := func(i int) int { return svgMargin + i*(svgBoxH+svgRowGap) }
	x0 := svgMargin

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", width, height)
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>` + "\n")
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)

	for i, v := range g.Vertices {
		s := shapes[v.ID]
		fill := "#e8f0fe"
		label := fmt.Sprintf("%s  %d×%d×%d  %s", v.ID, s.H, s.W, s.C, v.Activation)
		if i == 0 {
			fill, label = "#fff4d6", fmt.Sprintf("input %s  %d×%d×%d", v.ID, s.H, s.W, s.C)
		} else if v.Activation == genome.BNReLU {
			fill = "#dff5e1"
		}
		box(&b, x0, rowY(i), fill, label)
		if i > 0 {
			e, _ := g.PrimaryIn(v.ID)
			arrow(&b, x0+svgBoxW/2, rowY(i-1)+svgBoxH, rowY(i), edgeLabel(e), false)
		}
	}
	last := len(g.Vertices)
	box(&b, x0, rowY(last), "#fde2e2", fmt.Sprintf("head %s  global avg pool → FC → %d classes", g.HeadID, g.Classes))
	arrow(&b, x0+svgBoxW/2, rowY(last-1)+svgBoxH, rowY(last), "", false)

	for k, e := range skips {
		from, to := index[e.From], index[e.To]
		xr := x0 + svgBoxW
		xo := xr + svgSkipGap*(k+1)
		y1 := rowY(from) + svgBoxH/2
		y2 := rowY(to) + svgBoxH/2
		fmt.Fprintf(&b, `<path d="M%d,%d H%d V%d H%d" fill="none" stroke="#c0392b" stroke-dasharray="5,3" marker-end="url(#arrow)"><title>%s skip %s→%s</title></path>`+"\n",
			xr, y1, xo, y2, xr, html.EscapeString(e.ID), html.EscapeString(e.From), html.EscapeString(e.To))
	}
	b.WriteString("</svg>\n")
	_, err = io.WriteString(w, b.String())
	return err
}

func box(b *strings.Builder, x, y int, fill, label string) {
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="%s" stroke="#555"/>`+"\n", x, y, svgBoxW, svgBoxH, fill)
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", x+svgBoxW/2, y+svgBoxH/2+4, html.EscapeString(label))
}

func arrow(b *strings.Builder, x, y1, y2 int, label string, dashed bool) {
	dash := ""
	if dashed {
		dash = ` stroke-dasharray="5,3"`
	}
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"%s marker-end="url(#arrow)"/>`+"\n", x, y1, x, y2, dash)
	if label != "" {
		fmt.Fprintf(b, `<text x="%d" y="%d" fill="#333">%s</text>`+"\n", x+8, (y1+y2)/2+4, html.EscapeString(label))
	}
}

// edgeLabel describes a primary edge: "e7 conv 3×5 /2 → 64" or "e7 identity".
func edgeLabel(e genome.Edge) string {
	if e.Kind != genome.Conv {
		return e.ID + " identity"
	}
	return fmt.Sprintf("%s conv %d×%d /%d → %d", e.ID, e.FilterH(), e.FilterW(), e.Stride(), e.Channels)
}
