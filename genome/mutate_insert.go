package genome

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// InsertConvolution is the paper's INSERT-CONVOLUTION. Design: a primary (backbone) edge u→v is
// drawn uniformly; a new vertex w (bn_relu or linear with equal chance) goes between u and v,
// right after u in Vertices. The NEW edge is the conv u→w: 3×3 (HalfH = HalfW = 1), stride 1
// or 2 with equal chance, as many output channels as u has. The OLD edge keeps its ID, kind and
// values and becomes w→v. Since w has u's channel count and the old edge keeps its ID, every
// tensor of the parent keeps its ID and, for a stride-1 insertion, its shape: only the new conv
// kernel and w's batch norm are fresh (a stride-2 insertion also changes the shapes downstream).
// w and the conv draw fresh IDs from NextID, in that order. It does not apply only when the
// genome already has MaxVertices vertices (or NextID cannot grow).
func InsertConvolution(g *Genome, rng *rand.Rand) (*Genome, Record, error) {
	return insertVertex("insert-convolution", g, rng, true)
}

// InsertOneToOne is the paper's INSERT-ONE-TO-ONE: exactly like InsertConvolution, but the new
// edge u→w is an identity, so w has u's shape.
func InsertOneToOne(g *Genome, rng *rand.Rand) (*Genome, Record, error) {
	return insertVertex("insert-one-to-one", g, rng, false)
}

func insertVertex(name string, g *Genome, rng *rand.Rand, conv bool) (*Genome, Record, error) {
	c, err := start(name, g, rng)
	if err != nil {
		return nil, Record{Name: name}, err
	}
	if len(c.Vertices) >= MaxVertices {
		return notApplied(name, c, fmt.Sprintf("the genome already has the maximum of %d vertices", MaxVertices))
	}
	if !c.canDraw(2) {
		return notApplied(name, c, "next_id is too large to draw fresh IDs")
	}
	var backbone []int
	for i, e := range c.Edges {
		if !e.Skip {
			backbone = append(backbone, i)
		}
	}
	k := backbone[rng.IntN(len(backbone))]
	old := c.Edges[k]
	shapes, err := c.Shapes()
	if err != nil {
		return nil, Record{Name: name}, fmt.Errorf("genome: %s: %w", name, err)
	}
	w := Vertex{ID: c.freshID(vertexPrefix), Activation: randomActivation(rng)}
	ne := Edge{ID: c.freshID(edgePrefix), From: old.From, To: w.ID, Kind: Identity}
	if conv {
		ne.Kind, ne.Channels, ne.HalfH, ne.HalfW = Conv, shapes[old.From].C, 1, 1
		ne.StrideScale = rng.IntN(2)
	}
	c.Edges[k].From = w.ID
	c.Edges = append(c.Edges, ne)
	at := c.vertexIndex(old.From) + 1
	c.Vertices = append(c.Vertices, Vertex{})
	copy(c.Vertices[at+1:], c.Vertices[at:])
	c.Vertices[at] = w
	return applied(name, c, "%s on %s (%s→%s): %s %s→%s %s, %s %s; %s now %s→%s",
		w.ID, old.ID, old.From, old.To, ne.ID, ne.From, ne.To, describeEdge(ne), w.ID, w.Activation, old.ID, w.ID, old.To)
}

// RemoveConvolution is the paper's REMOVE-CONVOLUTION. Design: a conv edge u→w whose target w
// is not the output vertex is drawn uniformly; that edge, the vertex w and every skip into or
// out of w are removed, and w's primary out-edge w→v keeps its ID and values and becomes u→v,
// reconnecting the backbone. A skip u→v would now join adjacent vertices (duplicating the
// backbone edge), so it is removed as well (our choice). It does not apply when the genome has
// no such conv. (Mutations never create a conv into the output vertex: the output's primary
// in-edge is the initial identity edge, which insertions push forward and removals pull back.)
func RemoveConvolution(g *Genome, rng *rand.Rand) (*Genome, Record, error) {
	const name = "remove-convolution"
	c, err := start(name, g, rng)
	if err != nil {
		return nil, Record{Name: name}, err
	}
	out := c.OutputVertex().ID
	var candidates []int
	for _, i := range c.convEdges() {
		if c.Edges[i].To != out {
			candidates = append(candidates, i)
		}
	}
	if len(candidates) == 0 {
		return notApplied(name, c, "no conv edge ending before the output vertex")
	}
	conv := c.Edges[candidates[rng.IntN(len(candidates))]]
	u, w := conv.From, conv.To
	wi := c.vertexIndex(w)
	v := c.Vertices[wi+1].ID
	var kept []Edge
	var dropped []string
	var rewired string
	for _, e := range c.Edges {
		switch {
		case e.ID == conv.ID:
		case e.Skip && (e.From == w || e.To == w || (e.From == u && e.To == v)):
			dropped = append(dropped, e.ID)
		case !e.Skip && e.From == w:
			e.From = u
			rewired = e.ID
			kept = append(kept, e)
		default:
			kept = append(kept, e)
		}
	}
	c.Edges = kept
	c.Vertices = append(c.Vertices[:wi:wi], c.Vertices[wi+1:]...)
	skips := "no skips removed"
	if len(dropped) > 0 {
		skips = "skips removed: " + strings.Join(dropped, ", ")
	}
	return applied(name, c, "%s (%s→%s, %s) and %s; %s now %s→%s; %s",
		conv.ID, u, w, describeEdge(conv), w, rewired, u, v, skips)
}

// describeEdge writes an edge's computation, e.g. "conv 3×5 /2 → 64" or "identity".
func describeEdge(e Edge) string {
	if e.Kind != Conv {
		return string(e.Kind)
	}
	return fmt.Sprintf("conv %d×%d /%d → %d", e.FilterH(), e.FilterW(), e.Stride(), e.Channels)
}
