package dashboard

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"

	"evo/genome"
	"evo/population"
)

// funcs are the template helpers.
var funcs = template.FuncMap{
	"si":       siAny,
	"mib":      mibText,
	"human":    human,
	"pct":      func(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) },
	"acc":      func(f float64) string { return fmt.Sprintf("%.4f", f) },
	"when":     func(t time.Time) string { return whenText(t) },
	"mutation": mutationText,
	"muts":     mutationsText,
	"bytes":    func(n int64) string { return siText(float64(n)) + "B" },
	"list":     func(s ...string) []string { return s },
}

// siText writes x with an SI prefix: 1.23k, 4.5G.
func siText(x float64) string {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Sprint(x)
	}
	units := []string{"", "k", "M", "G", "T", "P", "E", "Z"}
	i := 0
	for math.Abs(x) >= 1000 && i < len(units)-1 {
		x /= 1000
		i++
	}
	return fmt.Sprintf("%.3g%s", x, units[i])
}

// siAny is siText for any number a template holds.
func siAny(v any) string {
	switch x := v.(type) {
	case float64:
		return siText(x)
	case int:
		return siText(float64(x))
	case int64:
		return siText(float64(x))
	}
	return fmt.Sprint(v)
}

// mibText writes a byte count in MiB, "-" when unknown.
func mibText(n int64) string {
	if n <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}

// human writes a duration for people: "2h05m", "3m07s", "12s".
func human(d time.Duration) string {
	d = max(d, 0).Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h >= 48:
		return fmt.Sprintf("%dd%02dh", h/24, h%24)
	case h > 0:
		return fmt.Sprintf("%dh%02dm", h, m)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}

func whenText(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// mutationText is one mutation record for people, marked when it did not apply.
func mutationText(r genome.Record) string {
	s := r.Detail
	if s == "" {
		s = r.Name
	}
	if !r.Applied {
		s += " (did not apply)"
	}
	return s
}

// mutationsText is every mutation that made m from its parent.
func mutationsText(m population.Meta) string {
	if m.Parent == "" {
		return "initial individual"
	}
	var parts []string
	for _, r := range m.Mutations {
		parts = append(parts, mutationText(r))
	}
	s := strings.Join(parts, "; ")
	if s == "" {
		s = "no mutation"
	}
	if m.Reset {
		s += " (retrained after a population reset)"
	}
	return s
}

// validID accepts what storage accepts as an individual id: one path component of
// [A-Za-z0-9_.-] starting with a letter or digit, so no id can name a path outside the
// experiment ("..", "/x", "a/b").
func validID(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for i, ch := range s {
		alnum := ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9'
		if !alnum && (i == 0 || ch != '_' && ch != '.' && ch != '-') {
			return false
		}
	}
	return true
}
