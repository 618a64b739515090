package dashboard

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"

	"evo/population"
)

// Size of the inline plots, in SVG user units (the page scales them to its width).
const (
	plotW, plotH = 760, 340
	padL, padR   = 52, 16
	padT, padB   = 30, 40 // the legend goes in the top margin
	// dotCell is the grid, in user units, on which dead individuals are thinned: one dot per
	// cell and colour is all a person can see, and keeps a million births to a few thousand dots.
	dotCell = 3
)

// timelinePlot is the Figure 1 view: every individual's validation accuracy at its birth and
// the best so far, ready to draw.
type timelinePlot struct {
	Individuals int
	Alive       int
	Best        population.BestPoint
	Dots        int // dots drawn
	SVG         template.HTML
}

func newTimelinePlot(tl population.Timeline) *timelinePlot {
	p := &timelinePlot{Individuals: len(tl.Points)}
	if len(tl.Points) == 0 {
		return p
	}
	start, last := tl.Start, tl.Points[0].Born
	for _, pt := range tl.Points {
		if start.IsZero() || pt.Born.Before(start) {
			start = pt.Born
		}
		if pt.Born.After(last) {
			last = pt.Born
		}
	}
	unit, unitName := timeUnit(last.Sub(start))
	span := math.Max(float64(last.Sub(start))/float64(unit), 1e-9)
	x := func(t time.Time) float64 { return padL + (plotW-padL-padR)*(float64(t.Sub(start))/float64(unit))/span }
	y := func(f float64) float64 { return padT + (plotH-padT-padB)*(1-math.Max(0, math.Min(1, f))) }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg id="fig1" class="plot" viewBox="0 0 %d %d" role="img" aria-label="validation accuracy of every individual over time">`, plotW, plotH)
	axes(&b, 0, span, unitName, "validation accuracy")
	seen := map[[2]int]bool{}
	var alive strings.Builder
	b.WriteString(`<g class="dead">`)
	for _, pt := range tl.Points {
		px, py := x(pt.Born), y(pt.Fitness)
		if pt.Alive {
			p.Alive++
			fmt.Fprintf(&alive, `<circle class="pt alive" cx="%.1f" cy="%.1f" r="3"><title>%s %.4f</title></circle>`, px, py, template.HTMLEscapeString(pt.ID), pt.Fitness)
			continue
		}
		cell := [2]int{int(px / dotCell), int(py / dotCell)}
		if seen[cell] {
			continue
		}
		seen[cell] = true
		fmt.Fprintf(&b, `<circle class="pt" cx="%.1f" cy="%.1f" r="1.5"/>`, px, py)
		p.Dots++
	}
	b.WriteString(`</g><g class="alive">`)
	b.WriteString(alive.String())
	p.Dots += p.Alive
	b.WriteString(`</g>`)
	if n := len(tl.BestSoFar); n > 0 {
		p.Best = tl.BestSoFar[n-1]
		b.WriteString(`<polyline class="best" points="`)
		prev := 0.0
		for i, bp := range tl.BestSoFar {
			if i > 0 {
				fmt.Fprintf(&b, "%.1f,%.1f ", x(bp.Time), prev)
			}
			prev = y(bp.Fitness)
			fmt.Fprintf(&b, "%.1f,%.1f ", x(bp.Time), prev)
		}
		fmt.Fprintf(&b, `%.1f,%.1f"/>`, x(last), prev)
	}
	legend(&b, []legendItem{{"dead", "#969696", true}, {"alive", "#1f60c4", true}, {"best so far", "#d62728", false}})
	b.WriteString(`</svg>`)
	p.SVG = template.HTML(b.String())
	return p
}

// timeUnit picks the unit of a time axis: seconds under 2 minutes, hours over 3 hours.
func timeUnit(span time.Duration) (time.Duration, string) {
	switch {
	case span > 3*time.Hour:
		return time.Hour, "hours since start"
	case span < 2*time.Minute:
		return time.Second, "seconds since start"
	}
	return time.Minute, "minutes since start"
}

// axes draws the frame, a y axis from 0 to 1 and an x axis from x0 to x1 with ticks.
func axes(b *strings.Builder, x0, x1 float64, xLabel, yLabel string) {
	iw, ih := float64(plotW-padL-padR), float64(plotH-padT-padB)
	fmt.Fprintf(b, `<rect class="frame" x="%d" y="%d" width="%.0f" height="%.0f"/>`, padL, padT, iw, ih)
	for i := 0; i <= 5; i++ {
		v := float64(i) / 5
		py := padT + ih*(1-v)
		fmt.Fprintf(b, `<line class="grid" x1="%d" y1="%.1f" x2="%.0f" y2="%.1f"/><text class="tick" x="%d" y="%.1f" text-anchor="end">%.1f</text>`,
			padL, py, padL+iw, py, padL-6, py+4, v)
	}
	for _, v := range ticks(x0, x1) {
		px := padL + iw*(v-x0)/math.Max(x1-x0, 1e-300)
		fmt.Fprintf(b, `<line class="grid" x1="%.1f" y1="%d" x2="%.1f" y2="%.0f"/><text class="tick" x="%.1f" y="%.0f" text-anchor="middle">%s</text>`,
			px, padT, px, padT+ih, px, padT+ih+16, tickText(v))
	}
	fmt.Fprintf(b, `<text class="label" x="%.0f" y="%d" text-anchor="middle">%s</text>`, padL+iw/2, plotH-6, template.HTMLEscapeString(xLabel))
	fmt.Fprintf(b, `<text class="label" transform="translate(14 %.0f) rotate(-90)" text-anchor="middle">%s</text>`, padT+ih/2, template.HTMLEscapeString(yLabel))
}

// ticks returns round values between x0 and x1, about five of them.
func ticks(x0, x1 float64) []float64 {
	if !(x1 > x0) {
		return []float64{x0}
	}
	step := math.Pow(10, math.Floor(math.Log10((x1-x0)/5)))
	for _, m := range []float64{1, 2, 5, 10} {
		if (x1-x0)/(step*m) <= 6 {
			step *= m
			break
		}
	}
	var out []float64
	for v := math.Ceil(x0/step) * step; v <= x1+step*1e-9; v += step {
		out = append(out, v)
	}
	return out
}

func tickText(v float64) string {
	if v != 0 && (math.Abs(v) >= 1e4 || math.Abs(v) < 1e-2) {
		return siText(v)
	}
	return fmt.Sprintf("%g", math.Round(v*100)/100)
}

type legendItem struct {
	Label string
	Color string
	Dot   bool
}

// legend writes the items in one row above the frame, ending at its right edge, where they
// hide no data.
func legend(b *strings.Builder, items []legendItem) {
	width := 0.0
	for _, it := range items {
		width += 30 + 6.5*float64(len([]rune(it.Label)))
	}
	x, y := float64(plotW-padR)-width, float64(padT-12)
	b.WriteString(`<g class="legend">`)
	for _, it := range items {
		if it.Dot {
			fmt.Fprintf(b, `<circle cx="%.0f" cy="%.0f" r="3" fill="%s"/>`, x+7, y, it.Color)
		} else {
			fmt.Fprintf(b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="%s" stroke-width="2"/>`, x, y, x+14, y, it.Color)
		}
		fmt.Fprintf(b, `<text x="%.0f" y="%.0f">%s</text>`, x+20, y+4, template.HTMLEscapeString(it.Label))
		x += 30 + 6.5*float64(len([]rune(it.Label)))
	}
	b.WriteString(`</g>`)
}

// compareCurve is one experiment's best-so-far curve on the compare page.
type compareCurve struct {
	Label string
	Dir   string
	Color string
	Curve population.Curve
}

var palette = []string{"#d62728", "#1f60c4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"}

// curvePlot draws the best so far of every curve against FLOPs (byFLOPs) or seconds.
func curvePlot(curves []compareCurve, byFLOPs bool) template.HTML {
	xOf := func(p population.CostPoint) float64 {
		if byFLOPs {
			return p.FLOPs
		}
		return p.Seconds
	}
	end := 0.0
	for _, c := range curves {
		if byFLOPs {
			end = math.Max(end, c.Curve.FLOPs)
		} else {
			end = math.Max(end, c.Curve.Seconds)
		}
	}
	end = math.Max(end, 1e-9)
	label := "FLOPs spent"
	if !byFLOPs {
		label = "seconds since start"
	}
	var b strings.Builder
	id := "cmp-wall"
	if byFLOPs {
		id = "cmp-flops"
	}
	fmt.Fprintf(&b, `<svg id="%s" class="plot" viewBox="0 0 %d %d" role="img">`, id, plotW, plotH)
	axes(&b, 0, end, label, "best validation accuracy")
	iw, ih := float64(plotW-padL-padR), float64(plotH-padT-padB)
	var items []legendItem
	for _, c := range curves {
		items = append(items, legendItem{c.Label, c.Color, false})
		if len(c.Curve.Points) == 0 {
			continue
		}
		fmt.Fprintf(&b, `<polyline class="curve" stroke="%s" points="`, c.Color)
		prev := math.NaN()
		for i, p := range c.Curve.Points {
			// A step line needs only the points where the best changes, and the last one.
			if p.Best == prev && i != len(c.Curve.Points)-1 {
				continue
			}
			px := padL + iw*xOf(p)/end
			if !math.IsNaN(prev) {
				fmt.Fprintf(&b, "%.1f,%.1f ", px, padT+ih*(1-prev))
			}
			prev = p.Best
			fmt.Fprintf(&b, "%.1f,%.1f ", px, padT+ih*(1-p.Best))
		}
		b.WriteString(`"/>`)
	}
	legend(&b, items)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// sparkline draws the fitness along a lineage, oldest first.
func sparkline(fitness []float64) template.HTML {
	const w, h = 300, 60
	if len(fitness) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="spark" id="lineage-fitness" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="fitness along the lineage"><polyline points="`, w, h, w, h)
	for i, f := range fitness {
		x := 4.0
		if len(fitness) > 1 {
			x += float64(w-8) * float64(i) / float64(len(fitness)-1)
		}
		fmt.Fprintf(&b, "%.1f,%.1f ", x, 4+float64(h-8)*(1-math.Max(0, math.Min(1, f))))
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String())
}
