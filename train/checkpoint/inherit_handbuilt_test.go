package checkpoint

import (
	"slices"
	"testing"

	"evo/genome"
)

// handBuilt is 8×8×3 → conv e3 (4 ch, 3×3) → v1 bn_relu → conv e4 (8 ch, 1×3) → v2 bn_relu,
// with a skip e5 from v0 to v2, and head h6 over 10 classes. Its tensors, worked by hand:
// e3.w [4 3 3 3] = 108, v1.bn.* [4], e4.w [8 4 1 3] = 96, v2.bn.* [8], h6.w [8 10] = 80,
// h6.b [10]; trainable 108+8+96+16+80+10 = 318.
func handBuilt(t *testing.T) *genome.Genome {
	t.Helper()
	g := &genome.Genome{
		Input: genome.Shape{H: 8, W: 8, C: 3}, Classes: 10, LearningRate: 0.1,
		Vertices: []genome.Vertex{{ID: "v0", Activation: genome.Linear}, {ID: "v1", Activation: genome.BNReLU}, {ID: "v2", Activation: genome.BNReLU}},
		Edges: []genome.Edge{
			{ID: "e3", From: "v0", To: "v1", Kind: genome.Conv, Channels: 4, HalfH: 1, HalfW: 1},
			{ID: "e4", From: "v1", To: "v2", Kind: genome.Conv, Channels: 8, HalfH: 0, HalfW: 1},
			{ID: "e5", From: "v0", To: "v2", Kind: genome.Identity, Skip: true},
		},
		HeadID: "h6", NextID: 7,
	}
	if err := g.Validate(); err != nil {
		t.Fatalf("hand-built genome: %v", err)
	}
	return g
}

func specsOf(t *testing.T, g *genome.Genome) []genome.TensorSpec {
	t.Helper()
	s, err := g.Tensors()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestInheritHandBuilt(t *testing.T) {
	parent := handBuilt(t)
	pc := fill(t, parent)
	all := func(ids ...string) []string { slices.Sort(ids); return ids }
	bn := func(v string) []string {
		return []string{v + ".bn.beta", v + ".bn.gamma", v + ".bn.mean", v + ".bn.var"}
	}
	cases := []struct {
		name        string
		edit        func(g *genome.Genome)
		reinit      []string
		kept, total int64
	}{
		{"unchanged", func(*genome.Genome) {}, nil, 318, 318},
		// Stride changes spatial size only: no tensor shape changes, everything is inherited.
		{"stride of e3", func(g *genome.Genome) { g.Edges[0].StrideScale = 1 }, nil, 318, 318},
		// e3.w becomes [4 3 3 5] = 180; nothing else changes.
		{"filter width of e3", func(g *genome.Genome) { g.Edges[0].HalfW = 2 }, all("e3.w"), 210, 390},
		// e4 to 6 channels: e4.w [6 4 1 3] = 72, v2.bn.* [6], h6.w [6 10] = 60 are new; e3.w,
		// v1.bn.gamma/beta and h6.b (108+8+10 = 126) are kept, of 108+8+72+12+60+10 = 270.
		{"channels of e4", func(g *genome.Genome) { g.Edges[1].Channels = 6 }, all(append(bn("v2"), "e4.w", "h6.w")...), 126, 270},
		// e3 to 5 channels: e3.w, v1.bn.* and e4.w (in channels) change; v2 and the head stay:
		// kept 16+80+10 = 106 of 135+10+120+106 = 371.
		{"channels of e3", func(g *genome.Genome) { g.Edges[0].Channels = 5 }, all(append(bn("v1"), "e3.w", "e4.w")...), 106, 371},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			child := parent.Clone()
			c.edit(child)
			cspecs := specsOf(t, child)
			got, rep := Inherit(cspecs, pc)
			if !slices.Equal(rep.Reinitialised, c.reinit) {
				t.Errorf("reinitialised %v, want %v", rep.Reinitialised, c.reinit)
			}
			if len(rep.Inherited)+len(rep.Reinitialised) != len(cspecs) || len(got) != len(rep.Inherited) {
				t.Errorf("%d inherited + %d reinitialised, %d tensors returned, for %d specs", len(rep.Inherited), len(rep.Reinitialised), len(got), len(cspecs))
			}
			if rep.InheritedParams != c.kept || rep.TotalParams != c.total || rep.Fraction != float64(c.kept)/float64(c.total) {
				t.Errorf("report %d/%d = %v, want %d/%d", rep.InheritedParams, rep.TotalParams, rep.Fraction, c.kept, c.total)
			}
			for id, tt := range got {
				if !slices.Equal(tt.Data, pc.Tensors[id].Data) || !slices.Equal(tt.Shape, pc.Tensors[id].Shape) {
					t.Errorf("%s: inherited values differ from the parent's", id)
				}
			}
		})
	}
}

func TestInheritInitial(t *testing.T) {
	g := genome.Initial(genome.Shape{H: 32, W: 32, C: 3}, 10)
	specs := specsOf(t, g)
	pc := fill(t, g)
	got, rep := Inherit(specs, pc)
	// The initial network is global average pooling and the head: h3.w [3 10] and h3.b [10].
	if !slices.Equal(rep.Inherited, []string{"h3.b", "h3.w"}) || rep.TotalParams != 40 || rep.Fraction != 1 || len(got) != 2 {
		t.Fatalf("report %+v", rep)
	}
	got["h3.w"].Data[0] = -1
	if pc.Tensors["h3.w"].Data[0] == -1 {
		t.Fatal("writing an inherited tensor changed the parent")
	}
	// A corrupt parent tensor whose data disagrees with its shape is re-initialised, not trusted.
	pc.Tensors["h3.b"].Data = pc.Tensors["h3.b"].Data[:3]
	if _, rep := Inherit(specs, pc); !slices.Equal(rep.Reinitialised, []string{"h3.b"}) || rep.InheritedParams != 30 {
		t.Fatalf("corrupt h3.b: report %+v", rep)
	}
	// Other classes: the head changes shape, nothing is inherited.
	other := genome.Initial(genome.Shape{H: 32, W: 32, C: 3}, 100)
	if _, rep := Inherit(specsOf(t, other), fill(t, g)); rep.Fraction != 0 || len(rep.Reinitialised) != 2 {
		t.Fatalf("100 classes from a 10-class parent: report %+v", rep)
	}
	// No trainable parameters at all: Fraction is 0, by the documented convention.
	if _, rep := Inherit(nil, pc); rep.Fraction != 0 || rep.TotalParams != 0 {
		t.Fatalf("no specs: report %+v", rep)
	}
}
