package genome

// inEdges indexes the edges of a genome by their target vertex, so that walks over the backbone
// take time linear in the size of the genome (PrimaryIn and SkipsIn scan every edge per call).
type inEdges struct {
	primary map[string]Edge   // the primary in-edge of each vertex (the first, if several)
	skips   map[string][]Edge // the skips into each vertex, sorted by ID number
}

func (g *Genome) inEdges() inEdges {
	ix := inEdges{primary: make(map[string]Edge, len(g.Vertices)), skips: make(map[string][]Edge)}
	for _, e := range g.Edges {
		if e.Skip {
			ix.skips[e.To] = append(ix.skips[e.To], e)
		} else if _, dup := ix.primary[e.To]; !dup {
			ix.primary[e.To] = e
		}
	}
	for _, s := range ix.skips {
		sortEdges(s)
	}
	return ix
}
