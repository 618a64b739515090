package genome

// FormatVersion is the version of the JSON encoding written by Encode.
const FormatVersion = 1

// Activation is what a vertex applies to the sum of its inputs.
type Activation string

const (
	// BNReLU is batch normalisation followed by a rectified linear unit.
	BNReLU Activation = "bn_relu"
	// Linear passes the sum of the inputs through unchanged.
	Linear Activation = "linear"
)

// EdgeKind says what an edge computes.
type EdgeKind string

const (
	// Identity passes its source through (resized and channel-adjusted if it is a skip).
	Identity EdgeKind = "identity"
	// Conv is a 2-D convolution without bias, 'SAME' padding, He-normal initialisation.
	Conv EdgeKind = "conv"
)

// Shape is a rank-3 tensor shape: height × width × channels.
type Shape struct {
	H int `json:"h"`
	W int `json:"w"`
	C int `json:"c"`
}

// Vertex is a tensor of the network.
type Vertex struct {
	ID         string     `json:"id"`
	Activation Activation `json:"activation"`
}

// Edge joins two vertices. Conv fields are zero for identity edges.
type Edge struct {
	ID   string   `json:"id"`
	From string   `json:"from"`
	To   string   `json:"to"`
	Kind EdgeKind `json:"kind"`
	// Skip marks a non-backbone edge; skips are always identity edges.
	Skip bool `json:"skip,omitempty"`
	// Channels is the absolute number of output channels of a conv (not a depth factor).
	Channels int `json:"channels,omitempty"`
	// HalfH and HalfW give the filter size: (2·HalfH+1) rows × (2·HalfW+1) columns.
	HalfH int `json:"half_h,omitempty"`
	HalfW int `json:"half_w,omitempty"`
	// StrideScale s gives the stride 2^s, the same in both directions.
	StrideScale int `json:"stride_scale,omitempty"`
}

// FilterH is the filter height of a conv edge (always odd).
func (e Edge) FilterH() int { return 2*e.HalfH + 1 }

// FilterW is the filter width of a conv edge (always odd).
func (e Edge) FilterW() int { return 2*e.HalfW + 1 }

// Stride is 2^StrideScale.
func (e Edge) Stride() int { return 1 << e.StrideScale }

// Genome is one individual's architecture and learning rate.
type Genome struct {
	// Input is the shape of one example (e.g. 32×32×3 for CIFAR-10).
	Input Shape `json:"input"`
	// Classes is the number of outputs of the fully-connected head.
	Classes int `json:"classes"`
	// LearningRate is the SGD learning rate gene.
	LearningRate float64 `json:"learning_rate"`
	// Vertices in backbone order: input first, output last.
	Vertices []Vertex `json:"vertices"`
	// Edges, primary and skip, in no particular order.
	Edges []Edge `json:"edges"`
	// HeadID owns the head's tensors (the fully-connected weights and bias).
	HeadID string `json:"head_id"`
	// NextID is the counter from which fresh IDs are drawn ("v<n>", "e<n>", "h<n>").
	NextID int `json:"next_id"`
}

// InputVertex returns the input vertex.
func (g *Genome) InputVertex() Vertex { return g.Vertices[0] }

// OutputVertex returns the vertex that feeds the head.
func (g *Genome) OutputVertex() Vertex { return g.Vertices[len(g.Vertices)-1] }

// Clone returns a deep copy of g.
func (g *Genome) Clone() *Genome {
	c := *g
	c.Vertices = append([]Vertex(nil), g.Vertices...)
	c.Edges = append([]Edge(nil), g.Edges...)
	return &c
}
