package main

import (
	"evo/genome"
	"evo/population"
)

// The reports the inspection commands print as JSON are built by population.
type (
	listRow      = population.ListRow
	showReport   = population.ShowReport
	compareGroup = population.CompareGroup
	compareRun   = population.CompareRun
)

func countConvs(g *genome.Genome) int {
	n := 0
	for _, e := range g.Edges {
		if e.Kind == genome.Conv {
			n++
		}
	}
	return n
}
