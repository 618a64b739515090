package train

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"evo/genome"
	"evo/train/checkpoint"
)

// layer describes one backbone step of a hand-built genome: the primary in-edge (a conv when
// ch > 0, else identity) and the vertex activation.
type layer struct {
	ch, halfH, halfW, strideScale int
	act                           genome.Activation
}

// conv3 is a 3×3 stride-1 conv to ch channels followed by act.
func conv3(ch int, act genome.Activation) layer { return layer{ch: ch, halfH: 1, halfW: 1, act: act} }

// buildGenome builds a valid genome: input → layers… with the given skips (pairs of vertex
// indices, from < to−1).
func buildGenome(t testing.TB, in genome.Shape, classes int, lr float64, layers []layer, skips [][2]int) *genome.Genome {
	t.Helper()
	g := &genome.Genome{Input: in, Classes: classes, LearningRate: lr}
	next := 0
	id := func(p string) string { next++; return fmt.Sprintf("%s%d", p, next-1) }
	g.Vertices = append(g.Vertices, genome.Vertex{ID: id("v"), Activation: genome.Linear})
	for _, l := range layers {
		v := genome.Vertex{ID: id("v"), Activation: l.act}
		e := genome.Edge{ID: id("e"), From: g.Vertices[len(g.Vertices)-1].ID, To: v.ID, Kind: genome.Identity}
		if l.ch > 0 {
			e.Kind, e.Channels, e.HalfH, e.HalfW, e.StrideScale = genome.Conv, l.ch, l.halfH, l.halfW, l.strideScale
		}
		g.Vertices = append(g.Vertices, v)
		g.Edges = append(g.Edges, e)
	}
	for _, s := range skips {
		g.Edges = append(g.Edges, genome.Edge{ID: id("e"), From: g.Vertices[s[0]].ID, To: g.Vertices[s[1]].ID, Kind: genome.Identity, Skip: true})
	}
	g.HeadID = id("h")
	g.NextID = next
	if err := g.Validate(); err != nil {
		t.Fatalf("test genome invalid: %v", err)
	}
	return g
}

// randomGenome draws a small valid genome with convs of random size, stride and width, identity
// edges, both activations and random skips.
func randomGenome(t testing.TB, rng *rand.Rand, in genome.Shape, classes int) *genome.Genome {
	n := 2 + rng.IntN(4)
	var ls []layer
	for range n {
		act := genome.Linear
		if rng.IntN(2) == 0 {
			act = genome.BNReLU
		}
		l := layer{act: act}
		if rng.IntN(4) > 0 {
			l.ch, l.halfH, l.halfW, l.strideScale = 1+rng.IntN(5), rng.IntN(3), rng.IntN(3), rng.IntN(2)
		}
		ls = append(ls, l)
	}
	var skips [][2]int
	for from := 0; from <= n; from++ {
		for to := from + 2; to <= n; to++ {
			if rng.IntN(3) == 0 {
				skips = append(skips, [2]int{from, to})
			}
		}
	}
	return buildGenome(t, in, classes, 0.05, ls, skips)
}

// randomState returns fresh tensors for g, with batch-norm gamma, beta and running statistics
// perturbed so that a test notices when one of them is ignored.
func randomState(t testing.TB, g *genome.Genome, seed int64) map[string]*checkpoint.Tensor {
	t.Helper()
	specs, err := g.Tensors()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	st, _ := initialState(specs, nil, rng)
	roles := make(map[string]genome.TensorRole, len(specs))
	for _, s := range specs {
		roles[s.ID] = s.Role
	}
	for _, id := range slices.Sorted(maps.Keys(st)) { // sorted: the same draws every run
		tt := st[id]
		if len(tt.Shape) == 1 {
			for i := range tt.Data {
				switch roles[id] {
				case genome.BNVar, genome.BNGamma:
					tt.Data[i] = float32(0.5 + rng.Float64())
				default:
					tt.Data[i] = float32(rng.NormFloat64() * 0.3)
				}
			}
		}
	}
	return st
}

// randomBatch returns b random examples for g's input and random labels.
func randomBatch(g *genome.Genome, b int, seed int64) ([]float32, []int) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	x := make([]float32, b*g.Input.H*g.Input.W*g.Input.C)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	y := make([]int, b)
	for i := range y {
		y[i] = rng.IntN(g.Classes)
	}
	return x, y
}

// closeEnough reports |a−b| ≤ atol + rtol·|b|.
func closeEnough(a, b, atol, rtol float64) bool { return math.Abs(a-b) <= atol+rtol*math.Abs(b) }
