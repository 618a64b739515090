package genome

import (
	"fmt"
	"math/rand/v2"
)

// skipTries is how many uniform draws AddSkip makes before it lists every free pair; the list
// is only needed when nearly every pair already has a skip.
const skipTries = 64

// AddSkip is the paper's ADD-SKIP: an identity skip edge from backbone vertex i to backbone
// vertex j, with (i, j) drawn uniformly among the pairs with j > i+1 (adjacent vertices are
// already joined by the backbone edge) that no skip joins yet. Skips always point forward along
// the backbone, so no cycle can form. The edge draws a fresh ID. It does not apply when every
// such pair is taken (or the genome has only two vertices).
func AddSkip(g *Genome, rng *rand.Rand) (*Genome, Record, error) {
	const name = "add-skip"
	c, err := start(name, g, rng)
	if err != nil {
		return nil, Record{Name: name}, err
	}
	n := len(c.Vertices)
	if n < 3 {
		return notApplied(name, c, "fewer than three backbone vertices")
	}
	if len(c.Edges) >= MaxEdges {
		return notApplied(name, c, fmt.Sprintf("the genome already has the maximum of %d edges", MaxEdges))
	}
	if !c.canDraw(1) {
		return notApplied(name, c, "next_id is too large to draw a fresh ID")
	}
	taken := make(map[[2]string]bool)
	for _, e := range c.Edges {
		if e.Skip {
			taken[[2]string{e.From, e.To}] = true
		}
	}
	i, j, ok := drawFreePair(c, rng, taken)
	if !ok {
		return notApplied(name, c, "every pair of non-adjacent backbone vertices already has a skip")
	}
	e := Edge{ID: c.freshID(edgePrefix), From: c.Vertices[i].ID, To: c.Vertices[j].ID, Kind: Identity, Skip: true}
	c.Edges = append(c.Edges, e)
	return applied(name, c, "%s %s→%s", e.ID, e.From, e.To)
}

// drawFreePair draws (i, j), i < j−1, uniformly among the pairs not in taken.
func drawFreePair(c *Genome, rng *rand.Rand, taken map[[2]string]bool) (int, int, bool) {
	n := len(c.Vertices)
	free := func(i, j int) bool { return !taken[[2]string{c.Vertices[i].ID, c.Vertices[j].ID}] }
	// Rejection sampling: two distinct positions, ordered, kept if not adjacent and free. Each
	// admissible pair has the same chance, so the accepted draw is uniform over free pairs.
	for try := 0; try < skipTries; try++ {
		a, b := rng.IntN(n), rng.IntN(n)
		i, j := min(a, b), max(a, b)
		if j > i+1 && free(i, j) {
			return i, j, true
		}
	}
	var pairs [][2]int
	for i := 0; i+2 < n; i++ {
		for j := i + 2; j < n; j++ {
			if free(i, j) {
				pairs = append(pairs, [2]int{i, j})
			}
		}
	}
	if len(pairs) == 0 {
		return 0, 0, false
	}
	p := pairs[rng.IntN(len(pairs))]
	return p[0], p[1], true
}

// RemoveSkip is the paper's REMOVE-SKIP: a skip edge drawn uniformly is removed. It does not
// apply when the genome has no skip.
func RemoveSkip(g *Genome, rng *rand.Rand) (*Genome, Record, error) {
	const name = "remove-skip"
	c, err := start(name, g, rng)
	if err != nil {
		return nil, Record{Name: name}, err
	}
	var skips []int
	for i, e := range c.Edges {
		if e.Skip {
			skips = append(skips, i)
		}
	}
	if len(skips) == 0 {
		return notApplied(name, c, "no skip edge")
	}
	k := skips[rng.IntN(len(skips))]
	e := c.Edges[k]
	c.Edges = append(c.Edges[:k:k], c.Edges[k+1:]...)
	return applied(name, c, "%s %s→%s", e.ID, e.From, e.To)
}
