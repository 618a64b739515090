package genome

import (
	"math/rand/v2"
	"testing"
)

// fixture is a hand-built genome with two convs (one 3×5 with stride 2), both activations and
// two skips, one of them across the stride. It is the genome of the golden files.
//
//	v0 (input 32×32×3) -e6 conv 3×3 /1 → 16-> v5 (bn_relu) -e8 conv 3×5 /2 → 32-> v7 (bn_relu)
//	-e2 identity-> v1 (linear) -> head h3 (10 classes); skips e9 v0→v7 and e10 v5→v1.
func fixture() *Genome {
	return &Genome{
		Input:        Shape{H: 32, W: 32, C: 3},
		Classes:      10,
		LearningRate: 0.05,
		Vertices: []Vertex{
			{ID: "v0", Activation: Linear},
			{ID: "v5", Activation: BNReLU},
			{ID: "v7", Activation: BNReLU},
			{ID: "v1", Activation: Linear},
		},
		Edges: []Edge{
			{ID: "e2", From: "v7", To: "v1", Kind: Identity},
			{ID: "e10", From: "v5", To: "v1", Kind: Identity, Skip: true},
			{ID: "e6", From: "v0", To: "v5", Kind: Conv, Channels: 16, HalfH: 1, HalfW: 1},
			{ID: "e8", From: "v5", To: "v7", Kind: Conv, Channels: 32, HalfH: 1, HalfW: 2, StrideScale: 1},
			{ID: "e9", From: "v0", To: "v7", Kind: Identity, Skip: true},
		},
		HeadID: "h3",
		NextID: 11,
	}
}

// newRand returns a deterministic random source for tests.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// mustValid fails the test if g is not valid.
func mustValid(t *testing.T, g *Genome) {
	t.Helper()
	if err := g.Validate(); err != nil {
		t.Fatalf("invalid genome: %v", err)
	}
}

// edgeByID returns the edge with the given ID.
func edgeByID(t *testing.T, g *Genome, id string) Edge {
	t.Helper()
	i := g.edgeIndex(id)
	if i < 0 {
		t.Fatalf("edge %s not in genome", id)
	}
	return g.Edges[i]
}

// tensorShapes maps tensor ID to shape.
func tensorShapes(t *testing.T, g *Genome) map[string][]int {
	t.Helper()
	ts, err := g.Tensors()
	if err != nil {
		t.Fatal(err)
	}
	m := make(map[string][]int, len(ts))
	for _, s := range ts {
		m[s.ID] = s.Shape
	}
	return m
}
