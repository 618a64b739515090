// Package draw draws a genome as an SVG picture with github.com/ajstarks/svgo; no external tool
// is needed (genome.DOT gives the Graphviz form). The backbone runs top to bottom, one box per
// vertex with its shape and activation, primary edges between consecutive boxes labelled with
// their kind and convolution parameters, skip edges as dashed arcs on the right, and the head
// last.
package draw

import (
	"fmt"
	"io"

	svg "github.com/ajstarks/svgo"

	"evo/genome"
)

// Layout of the drawing.
const (
	boxW    = 300
	boxH    = 34
	rowGap  = 40 // vertical space between boxes, where primary-edge labels go
	margin  = 20
	skipGap = 16 // horizontal spacing of nested skip arcs
)

// SVG writes g as a standalone SVG document.
func SVG(w io.Writer, g *genome.Genome) error {
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
	width := margin*2 + boxW + skipGap*(len(skips)+1) + 40
	height := margin*2 + rows*boxH + (rows-1)*rowGap
	rowY := func(i int) int { return margin + i*(boxH+rowGap) }
	x0 := margin

	ew := &errWriter{w: w}
	c := svg.New(ew)
	c.Start(width, height, `font-family="sans-serif"`, `font-size="12"`)
	c.Def()
	c.Marker("arrow", 10, 5, 7, 7, `viewBox="0 0 10 10"`, `orient="auto"`)
	c.Path("M0,0 L10,5 L0,10 z", `fill="#333"`)
	c.MarkerEnd()
	c.DefEnd()
	c.Rect(0, 0, width, height, `fill="white"`)

	for i, v := range g.Vertices {
		s := shapes[v.ID]
		fill := "#e8f0fe"
		label := fmt.Sprintf("%s  %d×%d×%d  %s", v.ID, s.H, s.W, s.C, v.Activation)
		if i == 0 {
			fill, label = "#fff4d6", fmt.Sprintf("input %s  %d×%d×%d", v.ID, s.H, s.W, s.C)
		} else if v.Activation == genome.BNReLU {
			fill = "#dff5e1"
		}
		box(c, x0, rowY(i), fill, label)
		if i > 0 {
			e, _ := g.PrimaryIn(v.ID)
			arrow(c, x0+boxW/2, rowY(i-1)+boxH, rowY(i), EdgeLabel(e))
		}
	}
	last := len(g.Vertices)
	box(c, x0, rowY(last), "#fde2e2", fmt.Sprintf("head %s  global avg pool → FC → %d classes", g.HeadID, g.Classes))
	arrow(c, x0+boxW/2, rowY(last-1)+boxH, rowY(last), "")

	for k, e := range skips {
		from, to := index[e.From], index[e.To]
		xr := x0 + boxW
		xo := xr + skipGap*(k+1)
		y1, y2 := rowY(from)+boxH/2, rowY(to)+boxH/2
		c.Group(`class="skip"`)
		c.Title(fmt.Sprintf("%s skip %s→%s", e.ID, e.From, e.To))
		c.Path(fmt.Sprintf("M%d,%d H%d V%d H%d", xr, y1, xo, y2, xr),
			`fill="none"`, `stroke="#c0392b"`, `stroke-dasharray="5,3"`, `marker-end="url(#arrow)"`)
		c.Gend()
	}
	c.End()
	return ew.err
}

func box(c *svg.SVG, x, y int, fill, label string) {
	c.Roundrect(x, y, boxW, boxH, 6, 6, `fill="`+fill+`"`, `stroke="#555"`)
	c.Text(x+boxW/2, y+boxH/2+4, label, `text-anchor="middle"`)
}

func arrow(c *svg.SVG, x, y1, y2 int, label string) {
	c.Line(x, y1, x, y2, `stroke="#333"`, `marker-end="url(#arrow)"`)
	if label != "" {
		c.Text(x+8, (y1+y2)/2+4, label, `fill="#333"`)
	}
}

// EdgeLabel describes a primary edge: "e7 conv 3×5 /2 → 64" or "e7 identity".
func EdgeLabel(e genome.Edge) string {
	if e.Kind != genome.Conv {
		return e.ID + " identity"
	}
	return fmt.Sprintf("%s conv %d×%d /%d → %d", e.ID, e.FilterH(), e.FilterW(), e.Stride(), e.Channels)
}

// errWriter keeps the first write error: svgo's methods do not return one.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return len(b), nil
	}
	if _, err := e.w.Write(b); err != nil {
		e.err = fmt.Errorf("draw: write SVG: %w", err)
	}
	return len(b), nil
}
