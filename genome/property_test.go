package genome

import (
	"bytes"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestRandomChains applies thousands of random mutation chains from the initial individual and
// checks that every genome reached is valid, resolves shapes for both reference inputs, survives
// an encode/decode round trip with its hash, draws a DOT graph and has finite costs.
func TestRandomChains(t *testing.T) {
	chains, length := 2000, 30
	if testing.Short() {
		chains = 500
	}
	inputs := []Shape{{H: 32, W: 32, C: 3}, {H: 8, W: 8, C: 1}}
	depth, width, skips := map[int]int{}, map[int]int{}, map[int]int{}
	names := map[string]int{}
	rng := newRand(2017)
	for chain := 0; chain < chains; chain++ {
		in := inputs[chain%len(inputs)]
		g := Initial(in, 10)
		perChild := 1 + chain%3*2 // 1, 3 or 5 mutations per reproduction
		for step := 0; step < length; step++ {
			parent := g.Clone()
			child, recs, err := Mutate(g, rng, perChild)
			if err != nil {
				t.Fatalf("chain %d step %d: %v", chain, step, err)
			}
			if !reflect.DeepEqual(parent, g) {
				t.Fatalf("chain %d step %d: Mutate modified its input", chain, step)
			}
			if len(recs) != perChild {
				t.Fatalf("chain %d step %d: %d records, want %d", chain, step, len(recs), perChild)
			}
			for _, r := range recs {
				if !r.Applied {
					t.Fatalf("chain %d step %d: record of an inapplicable mutation: %+v", chain, step, r)
				}
				names[r.Name]++
			}
			checkShapes(t, child, inputs)
			if step%10 == 9 {
				checkRoundTrip(t, child)
			}
			g = child
		}
		nconv, maxC := 0, 0
		for _, e := range g.Edges {
			if e.Kind == Conv {
				nconv++
				maxC = max(maxC, e.Channels)
			}
		}
		depth[nconv]++
		width[bucket(maxC)]++
		skips[len(g.Edges)-len(g.Vertices)+1]++
	}
	t.Logf("after %d mutation steps: convs per genome %s", length, histogram(depth))
	t.Logf("widest conv (channels, power-of-two buckets) %s", histogram(width))
	t.Logf("skips per genome %s", histogram(skips))
	t.Logf("mutations applied %v", names)
	if len(names) != len(Mutations) {
		t.Errorf("only %d of %d mutations ever applied", len(names), len(Mutations))
	}
}

// checkShapes checks that a genome reached by mutation is valid, resolves shapes and has odd
// filters and power-of-two strides.
func checkShapes(t *testing.T, g *Genome, inputs []Shape) {
	t.Helper()
	mustValid(t, g)
	for _, in := range inputs {
		shapes, err := g.ShapesFor(in)
		if err != nil {
			t.Fatalf("shapes for %v: %v", in, err)
		}
		for id, s := range shapes {
			if s.H < 1 || s.W < 1 || s.C < 1 {
				t.Fatalf("vertex %s: shape %v", id, s)
			}
		}
	}
	for _, e := range g.Edges {
		if e.Kind == Conv && (e.FilterH()%2 != 1 || e.FilterW()%2 != 1 || e.Stride()&(e.Stride()-1) != 0) {
			t.Fatalf("edge %s: filter %d×%d stride %d", e.ID, e.FilterH(), e.FilterW(), e.Stride())
		}
	}
}

// checkRoundTrip checks that g survives encode/decode with its hash, draws a DOT graph and
// has finite costs.
func checkRoundTrip(t *testing.T, g *Genome) {
	t.Helper()
	data, err := Encode(g)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(data)
	if err != nil {
		t.Fatalf("decode of encoded genome: %v\n%s", err, data)
	}
	again, _ := Encode(back)
	if !bytes.Equal(data, again) || ArchHash(back) != ArchHash(g) {
		t.Fatalf("round trip changed the genome")
	}
	if _, err := DOT(g); err != nil {
		t.Fatal(err)
	}
	if _, err := g.TrainStepFLOPs(50); err != nil {
		t.Fatal(err)
	}
}

// bucket rounds n up to a power of two (0 stays 0: no conv).
func bucket(n int) int {
	if n == 0 {
		return 0
	}
	b := 1
	for b < n {
		b *= 2
	}
	return b
}

// histogram writes a map as "k:count" pairs in key order.
func histogram(m map[int]int) string {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d:%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

// TestLargeGenome runs the whole API on a genome at the vertex limit with as many skips, to
// keep every walk linear (a quadratic one would take minutes here).
func TestLargeGenome(t *testing.T) {
	g := Initial(Shape{H: 32, W: 32, C: 3}, 10)
	g.Vertices = g.Vertices[:1]
	g.Edges = nil
	for i := 1; i < MaxVertices; i++ {
		v := g.freshID(vertexPrefix)
		g.Vertices = append(g.Vertices, Vertex{ID: v, Activation: BNReLU})
		e := Edge{ID: g.freshID(edgePrefix), From: g.Vertices[i-1].ID, To: v, Kind: Conv, Channels: 4, HalfH: 1, HalfW: 1}
		g.Edges = append(g.Edges, e)
		if i >= 2 {
			g.Edges = append(g.Edges, Edge{ID: g.freshID(edgePrefix), From: g.Vertices[i-2].ID, To: v, Kind: Identity, Skip: true})
		}
	}
	mustValid(t, g)
	data, err := Encode(g)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d vertices, %d edges: %d bytes encoded", len(g.Vertices), len(g.Edges), len(data))
	back, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := back.TrainStepFLOPs(50); err != nil {
		t.Fatal(err)
	}
	if _, err := DOT(back); err != nil {
		t.Fatal(err)
	}
	child, recs, err := Mutate(back, newRand(9), 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(child.Vertices) > MaxVertices {
		t.Errorf("%d vertices after %v", len(child.Vertices), recs)
	}
	if ArchHash(child) == "" {
		t.Error("no hash")
	}
}
