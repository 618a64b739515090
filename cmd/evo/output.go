package main

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/urfave/cli/v2"
)

// printJSON writes v as indented JSON on the command's stdout.
func printJSON(c *cli.Context, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.App.Writer, "%s\n", b)
	return err
}

// si formats a count with an SI prefix: 1.23e12 → "1.23T".
func si(x float64) string {
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

// human formats a duration for people: "2h05m", "3m07s", "12s".
func human(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh%02dm", h, m)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}
