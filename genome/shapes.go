package genome

import (
	"fmt"
	"sort"
)

// Shapes infers the shape of every vertex of g for its own Input shape, keyed by vertex ID.
func (g *Genome) Shapes() (map[string]Shape, error) { return g.ShapesFor(g.Input) }

// ShapesFor infers the shape of every vertex for an example of shape in (see The graph in the
// package doc): the input vertex has shape in; a vertex's primary (backbone) in-edge fixes its
// shape, an identity keeping the source shape and a conv giving ceil(H/stride) ×
// ceil(W/stride) × Channels; skip inputs are resized to it by nearest neighbour and
// channel-truncated or zero-padded.
func (g *Genome) ShapesFor(in Shape) (map[string]Shape, error) {
	if in.H < 1 || in.W < 1 || in.C < 1 {
		return nil, fmt.Errorf("genome: input shape %dx%dx%d: every dimension must be at least 1", in.H, in.W, in.C)
	}
	if len(g.Vertices) < 2 {
		return nil, fmt.Errorf("genome: %d vertices: need at least the input and the output", len(g.Vertices))
	}
	shapes := make(map[string]Shape, len(g.Vertices))
	shapes[g.Vertices[0].ID] = in
	primary := g.inEdges().primary
	for i := 1; i < len(g.Vertices); i++ {
		v := g.Vertices[i]
		e, ok := primary[v.ID]
		if !ok {
			return nil, fmt.Errorf("genome: vertex %s has no primary in-edge", v.ID)
		}
		if e.From != g.Vertices[i-1].ID {
			return nil, fmt.Errorf("genome: edge %s: primary in-edge of vertex %s comes from %s, not from the previous backbone vertex %s", e.ID, v.ID, e.From, g.Vertices[i-1].ID)
		}
		src := shapes[e.From]
		switch e.Kind {
		case Identity:
			shapes[v.ID] = src
		case Conv:
			if e.Channels < 1 || e.StrideScale < 0 || e.StrideScale > MaxStrideScale {
				return nil, fmt.Errorf("genome: edge %s: channels %d, stride scale %d out of range", e.ID, e.Channels, e.StrideScale)
			}
			s := e.Stride()
			shapes[v.ID] = Shape{H: ceilDiv(src.H, s), W: ceilDiv(src.W, s), C: e.Channels}
		default:
			return nil, fmt.Errorf("genome: edge %s: unknown kind %q", e.ID, e.Kind)
		}
	}
	return shapes, nil
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// PrimaryIn returns the primary (non-skip) in-edge of vertex id.
func (g *Genome) PrimaryIn(id string) (Edge, bool) {
	for _, e := range g.Edges {
		if e.To == id && !e.Skip {
			return e, true
		}
	}
	return Edge{}, false
}

// SkipsIn returns the skip edges that end at vertex id, sorted by edge ID number.
func (g *Genome) SkipsIn(id string) []Edge {
	var out []Edge
	for _, e := range g.Edges {
		if e.To == id && e.Skip {
			out = append(out, e)
		}
	}
	sortEdges(out)
	return out
}

// sortEdges orders edges by ID number (e2 before e10), the order of the canonical encoding.
func sortEdges(es []Edge) {
	sort.SliceStable(es, func(i, j int) bool { return lessID(es[i].ID, es[j].ID) })
}

// TensorSpec describes one trainable or statistical tensor of the network built from a genome.
type TensorSpec struct {
	// ID is the stable key, TensorID(Owner, Role): "<edge>.w" for a conv kernel,
	// "<vertex>.bn.{gamma,beta,mean,var}" for batch norm, "<head>.w" and "<head>.b" for the
	// fully-connected head.
	ID string
	// Owner is the ID of the conv edge, bn_relu vertex or head the tensor belongs to.
	Owner string
	// Role says what the tensor is for.
	Role TensorRole
	// Shape: conv kernels are [out channels, in channels, filter height, filter width] (NCHW
	// convention); batch-norm tensors are [C]; the head is [C, classes] and [classes].
	Shape []int
	// Trainable is Role.Trainable(): false for batch-norm running statistics.
	Trainable bool
}

// Tensors lists every tensor of the network in a fixed order (backbone order, then the head).
func (g *Genome) Tensors() ([]TensorSpec, error) {
	shapes, err := g.Shapes()
	if err != nil {
		return nil, err
	}
	var out []TensorSpec
	primary := g.inEdges().primary
	for i, v := range g.Vertices {
		if i > 0 {
			e := primary[v.ID]
			if e.Kind == Conv {
				in := shapes[e.From]
				out = append(out, newTensor(e.ID, ConvKernel, e.Channels, in.C, e.FilterH(), e.FilterW()))
			}
		}
		if v.Activation == BNReLU {
			c := shapes[v.ID].C
			out = append(out,
				newTensor(v.ID, BNGamma, c),
				newTensor(v.ID, BNBeta, c),
				newTensor(v.ID, BNMean, c),
				newTensor(v.ID, BNVar, c),
			)
		}
	}
	c := shapes[g.OutputVertex().ID].C
	out = append(out,
		newTensor(g.HeadID, HeadWeight, c, g.Classes),
		newTensor(g.HeadID, HeadBias, g.Classes),
	)
	return out, nil
}

// Limits that keep a decoded genome sane; they are not part of the algorithm (the resource cap
// of the trainer is what bounds network size in a run).
const (
	MaxStrideScale = 10      // stride up to 1024
	MaxHalf        = 64      // filters up to 129 wide
	MaxChannels    = 1 << 16 // per conv
	MaxVertices    = 10000
)

// Initial returns the paper's starting individual for examples of shape in and the given
// number of classes: no convolutions at all (input → identity → output → global average pool →
// fully-connected), learning rate 0.1.
func Initial(in Shape, classes int) *Genome {
	return &Genome{
		Input:        in,
		Classes:      classes,
		LearningRate: 0.1,
		Vertices:     []Vertex{{ID: "v0", Activation: Linear}, {ID: "v1", Activation: Linear}},
		Edges:        []Edge{{ID: "e2", From: "v0", To: "v1", Kind: Identity}},
		HeadID:       "h3",
		NextID:       4,
	}
}
