package genome

import (
	"fmt"
	"math"
)

// Further sanity limits of Validate (see also MaxStrideScale, MaxHalf, MaxChannels and
// MaxVertices in shapes.go). Like those, they bound what a decoded file may ask for; they are not
// part of the algorithm.
const (
	// MaxInputSide bounds the input height and width.
	MaxInputSide = 1 << 16
	// MaxClasses bounds the number of classes of the head.
	MaxClasses = 1 << 20
	// MaxEdges bounds the number of edges, primary and skip.
	MaxEdges = 10 * MaxVertices
)

// Validate checks that g is a well-formed genome (see the package comment):
//   - input shape at least 1 in every dimension (height and width at most MaxInputSide,
//     channels at most MaxChannels), Classes in [2, MaxClasses], a finite learning rate > 0;
//   - IDs well formed ("v<n>" for vertices, "e<n>" for edges, "h<n>" for the head, n < NextID)
//     and unique;
//   - 2 to MaxVertices vertices with a known activation, the input vertex linear;
//   - every edge joins existing vertices, has a known kind, and values in range: identity edges
//     carry no conv fields, conv edges have Channels in [1, MaxChannels], HalfH and HalfW in
//     [0, MaxHalf], StrideScale in [0, MaxStrideScale];
//   - the chain: every vertex but the input has exactly one primary in-edge, from the previous
//     vertex of Vertices; skips are identity edges from an earlier to a later, non-adjacent
//     vertex, with no two skips joining the same pair.
//
// The chain makes g acyclic and connected from input to output. The error is a
// *ValidationError naming the offending part and field; it wraps ErrInvalid.
func (g *Genome) Validate() error {
	if g == nil {
		return invalid("genome", "", "nil genome")
	}
	if err := g.validateFrame(); err != nil {
		return err
	}
	index, err := g.validateVertices()
	if err != nil {
		return err
	}
	return g.validateEdges(index)
}

// validateFrame checks the fields that are not vertices or edges.
func (g *Genome) validateFrame() error {
	in := g.Input
	switch {
	case in.H < 1 || in.H > MaxInputSide:
		return invalid("genome", "input.h", "%d out of range [1, %d]", in.H, MaxInputSide)
	case in.W < 1 || in.W > MaxInputSide:
		return invalid("genome", "input.w", "%d out of range [1, %d]", in.W, MaxInputSide)
	case in.C < 1 || in.C > MaxChannels:
		return invalid("genome", "input.c", "%d out of range [1, %d]", in.C, MaxChannels)
	case g.Classes < 2 || g.Classes > MaxClasses:
		return invalid("genome", "classes", "%d out of range [2, %d]", g.Classes, MaxClasses)
	case math.IsNaN(g.LearningRate) || math.IsInf(g.LearningRate, 0) || g.LearningRate <= 0:
		return invalid("genome", "learning_rate", "%v must be a finite number > 0", g.LearningRate)
	case g.NextID < 0:
		return invalid("genome", "next_id", "%d must be at least 0", g.NextID)
	}
	if err := g.checkID(g.HeadID, headPrefix); err != nil {
		return invalid("head "+g.HeadID, "head_id", "%v", err)
	}
	return nil
}

// checkID checks that id is well formed with the given prefix and below NextID.
func (g *Genome) checkID(id string, prefix byte) error {
	n, err := parseID(id, prefix)
	if err != nil {
		return err
	}
	if n >= g.NextID {
		return fmt.Errorf("number of %q is not below next_id %d: raise next_id", id, g.NextID)
	}
	return nil
}

// validateVertices checks the vertex list and returns each vertex's position in it.
func (g *Genome) validateVertices() (map[string]int, error) {
	n := len(g.Vertices)
	if n < 2 || n > MaxVertices {
		return nil, invalid("genome", "vertices", "count %d out of range [2, %d]: need at least the input and the output", n, MaxVertices)
	}
	index := make(map[string]int, n)
	for i, v := range g.Vertices {
		part := "vertex " + v.ID
		if err := g.checkID(v.ID, vertexPrefix); err != nil {
			return nil, invalid(part, "id", "%v", err)
		}
		if _, dup := index[v.ID]; dup {
			return nil, invalid(part, "id", "appears twice in vertices")
		}
		index[v.ID] = i
		switch v.Activation {
		case BNReLU, Linear:
		default:
			return nil, invalid(part, "activation", "%q unknown: use %q or %q", v.Activation, BNReLU, Linear)
		}
	}
	if a := g.Vertices[0].Activation; a != Linear {
		return nil, invalid("vertex "+g.Vertices[0].ID, "activation", "%q: the input vertex must be %q", a, Linear)
	}
	return index, nil
}

// validateEdges checks every edge against the vertex positions in index.
func (g *Genome) validateEdges(index map[string]int) error {
	if len(g.Edges) > MaxEdges {
		return invalid("genome", "edges", "count %d above the limit %d", len(g.Edges), MaxEdges)
	}
	ids := make(map[string]bool, len(g.Edges))
	primary := make([]string, len(g.Vertices)) // primary[i] is the primary in-edge of vertex i
	type pair struct{ from, to int }
	skips := make(map[pair]string)
	for _, e := range g.Edges {
		part := "edge " + e.ID
		if err := g.checkID(e.ID, edgePrefix); err != nil {
			return invalid(part, "id", "%v", err)
		}
		if ids[e.ID] {
			return invalid(part, "id", "appears twice in edges")
		}
		ids[e.ID] = true
		from, ok := index[e.From]
		if !ok {
			return invalid(part, "from", "%q is not a vertex of the genome", e.From)
		}
		to, ok := index[e.To]
		if !ok {
			return invalid(part, "to", "%q is not a vertex of the genome", e.To)
		}
		if err := validateEdgeValues(e); err != nil {
			return err
		}
		if e.Skip {
			if to <= from+1 {
				return invalid(part, "to", "%s: a skip must go from an earlier to a later, non-adjacent backbone vertex (from %s at position %d, to position %d)", e.To, e.From, from, to)
			}
			if other, dup := skips[pair{from, to}]; dup {
				return invalid(part, "skip", "duplicates skip %s from %s to %s", other, e.From, e.To)
			}
			skips[pair{from, to}] = e.ID
			continue
		}
		if to == 0 {
			return invalid(part, "to", "%s is the input vertex, which has no in-edges", e.To)
		}
		if from != to-1 {
			return invalid(part, "from", "%s: the primary in-edge of %s must come from the previous backbone vertex %s", e.From, e.To, g.Vertices[to-1].ID)
		}
		if primary[to] != "" {
			return invalid(part, "to", "%s already has the primary in-edge %s: mark one of them \"skip\": true or remove it", e.To, primary[to])
		}
		primary[to] = e.ID
	}
	for i := 1; i < len(g.Vertices); i++ {
		if primary[i] == "" {
			return invalid("vertex "+g.Vertices[i].ID, "", "has no primary in-edge from %s", g.Vertices[i-1].ID)
		}
	}
	return nil
}

// validateEdgeValues checks the kind and value ranges of one edge.
func validateEdgeValues(e Edge) error {
	part := "edge " + e.ID
	switch e.Kind {
	case Identity:
		if e.Channels != 0 || e.HalfH != 0 || e.HalfW != 0 || e.StrideScale != 0 {
			return invalid(part, "kind", "identity edge carries conv fields (channels %d, half_h %d, half_w %d, stride_scale %d): remove them or make it a conv", e.Channels, e.HalfH, e.HalfW, e.StrideScale)
		}
	case Conv:
		if e.Skip {
			return invalid(part, "kind", "conv: skip edges must be identity edges")
		}
		switch {
		case e.Channels < 1 || e.Channels > MaxChannels:
			return invalid(part, "channels", "%d out of range [1, %d]", e.Channels, MaxChannels)
		case e.HalfH < 0 || e.HalfH > MaxHalf:
			return invalid(part, "half_h", "%d out of range [0, %d]", e.HalfH, MaxHalf)
		case e.HalfW < 0 || e.HalfW > MaxHalf:
			return invalid(part, "half_w", "%d out of range [0, %d]", e.HalfW, MaxHalf)
		case e.StrideScale < 0 || e.StrideScale > MaxStrideScale:
			return invalid(part, "stride_scale", "%d out of range [0, %d]", e.StrideScale, MaxStrideScale)
		}
	default:
		return invalid(part, "kind", "%q unknown: use %q or %q", e.Kind, Identity, Conv)
	}
	return nil
}
