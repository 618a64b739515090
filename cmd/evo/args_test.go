package main

import (
	"io"
	"slices"
	"testing"
)

func TestFlagsFirst(t *testing.T) {
	app := newApp(io.Discard, io.Discard)
	for _, c := range []struct{ in, want []string }{
		{[]string{"evo", "show", "best", "--dir", "D", "--json"}, []string{"evo", "show", "--dir", "D", "--json", "--", "best"}},
		{[]string{"evo", "show", "--dir=D", "best"}, []string{"evo", "show", "--dir=D", "--", "best"}},
		{[]string{"evo", "draw", "best", "-o", "x.svg"}, []string{"evo", "draw", "-o", "x.svg", "--", "best"}},
		{[]string{"evo", "status", "--dir", "D"}, []string{"evo", "status", "--dir", "D"}},
		{[]string{"evo", "show", "--", "-odd-id"}, []string{"evo", "show", "--", "-odd-id"}},
		{[]string{"evo", "nosuch", "x", "--dir", "D"}, []string{"evo", "nosuch", "x", "--dir", "D"}},
	} {
		if got := flagsFirst(app, c.in); !slices.Equal(got, c.want) {
			t.Errorf("flagsFirst(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
