package genome

import (
	"math"
	"reflect"
	"testing"
)

// oneConv is input → conv (stride scale s) → v4 → identity → output.
func oneConv(s int) *Genome {
	g := Initial(Shape{H: 32, W: 32, C: 3}, 10)
	g.Vertices = []Vertex{{ID: "v0", Activation: Linear}, {ID: "v4", Activation: BNReLU}, {ID: "v1", Activation: Linear}}
	g.Edges = []Edge{
		{ID: "e5", From: "v0", To: "v4", Kind: Conv, Channels: 8, HalfH: 0, HalfW: 2, StrideScale: s},
		{ID: "e2", From: "v4", To: "v1", Kind: Identity},
	}
	g.NextID = 6
	return g
}

// convIntoOutput is input → conv → output: a conv that REMOVE-CONVOLUTION must leave alone.
func convIntoOutput() *Genome {
	g := Initial(Shape{H: 8, W: 8, C: 1}, 10)
	g.Edges[0] = Edge{ID: "e2", From: "v0", To: "v1", Kind: Conv, Channels: 4, HalfH: 1, HalfW: 1}
	return g
}

// fullSkips is three vertices whose only non-adjacent pair already has a skip.
func fullSkips() *Genome {
	g := oneConv(0)
	g.Edges = append(g.Edges, Edge{ID: "e6", From: "v0", To: "v1", Kind: Identity, Skip: true})
	g.NextID = 7
	return g
}

// longChain is v0 -conv e20-> v10 -conv e21-> v11 -conv e22-> v12 -identity e2-> v1 with skips
// e30 v0→v12 and e31 v10→v1, so that some removals keep a skip.
func longChain() *Genome {
	g := Initial(Shape{H: 16, W: 16, C: 3}, 10)
	g.Vertices = []Vertex{{ID: "v0", Activation: Linear}, {ID: "v10", Activation: BNReLU},
		{ID: "v11", Activation: Linear}, {ID: "v12", Activation: BNReLU}, {ID: "v1", Activation: Linear}}
	g.Edges = []Edge{
		{ID: "e20", From: "v0", To: "v10", Kind: Conv, Channels: 8, HalfH: 1, HalfW: 1},
		{ID: "e21", From: "v10", To: "v11", Kind: Conv, Channels: 16, HalfH: 2, HalfW: 0, StrideScale: 1},
		{ID: "e22", From: "v11", To: "v12", Kind: Conv, Channels: 16, HalfH: 1, HalfW: 1},
		{ID: "e2", From: "v12", To: "v1", Kind: Identity},
		{ID: "e30", From: "v0", To: "v12", Kind: Identity, Skip: true},
		{ID: "e31", From: "v10", To: "v1", Kind: Identity, Skip: true},
	}
	g.NextID = 32
	return g
}

// parents are the genomes the mutation table starts from, by name.
var parents = map[string]func() *Genome{
	"initial":          func() *Genome { return Initial(Shape{H: 32, W: 32, C: 3}, 10) },
	"fixture":          fixture,
	"long-chain":       longChain,
	"conv-into-output": convIntoOutput,
	"full-skips":       fullSkips,
	"stride-1":         func() *Genome { return oneConv(0) },
	"stride-2":         func() *Genome { return oneConv(1) },
	"stride-max":       func() *Genome { return oneConv(MaxStrideScale) },
}

type mutationCase struct {
	name    string // the mutation's name in Mutations
	parent  string // a key of parents
	applies bool
	check   func(t *testing.T, p, c *Genome, d change, rec Record)
}

func TestMutations(t *testing.T) {
	cases := []mutationCase{
		{"alter-learning-rate", "fixture", true, checkAlterLR},
		{"identity", "fixture", true, func(t *testing.T, p, c *Genome, _ change, _ Record) {
			if !reflect.DeepEqual(p, c) {
				t.Errorf("identity changed the genome: %+v", c)
			}
		}},
		{"identity", "initial", true, nil},
		{"reset-weights", "fixture", true, checkReset},
		{"reset-weights", "initial", true, checkReset},
		{"insert-convolution", "fixture", true, checkInsert(true)},
		{"insert-convolution", "initial", true, checkInsert(true)},
		{"insert-one-to-one", "fixture", true, checkInsert(false)},
		{"insert-one-to-one", "initial", true, checkInsert(false)},
		{"remove-convolution", "initial", false, nil},
		{"remove-convolution", "conv-into-output", false, nil},
		{"remove-convolution", "fixture", true, checkRemoveConv},
		{"remove-convolution", "long-chain", true, checkRemoveConv},
		{"remove-convolution", "stride-2", true, checkRemoveConv},
		{"alter-stride", "initial", false, nil},
		{"alter-stride", "fixture", true, checkAlterStride},
		{"alter-stride", "stride-1", true, checkStrideTo(1)},
		{"alter-stride", "stride-max", true, checkStrideTo(MaxStrideScale - 1)},
		{"alter-channels", "initial", false, nil},
		{"alter-channels", "long-chain", true, checkAlterChannels},
		{"alter-filter-size", "initial", false, nil},
		{"alter-filter-size", "long-chain", true, checkAlterFilter},
		{"alter-filter-size", "conv-into-output", true, checkAlterFilter},
		{"add-skip", "initial", false, nil},
		{"add-skip", "full-skips", false, nil},
		{"add-skip", "stride-1", true, checkAddSkip},
		{"add-skip", "long-chain", true, checkAddSkip},
		{"remove-skip", "initial", false, nil},
		{"remove-skip", "long-chain", true, checkRemoveSkip},
		{"remove-skip", "fixture", true, checkRemoveSkip},
	}
	for _, tc := range cases {
		m := mutationByName(t, tc.name)
		build := parents[tc.parent]
		t.Run(tc.name+"/"+tc.parent, func(t *testing.T) {
			for seed := uint64(1); seed <= 40; seed++ {
				parent := build()
				c, rec, err := m.Apply(parent, newRand(seed))
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if !reflect.DeepEqual(parent, build()) {
					t.Fatalf("seed %d: the mutation modified its input", seed)
				}
				mustValid(t, c)
				if _, err := c.Shapes(); err != nil {
					t.Fatalf("seed %d: shapes: %v", seed, err)
				}
				if rec.Name != tc.name || rec.Detail == "" {
					t.Errorf("seed %d: record %+v: want name %q and a detail", seed, rec, tc.name)
				}
				if rec.Applied != tc.applies {
					t.Fatalf("seed %d: applied = %v, want %v (%s)", seed, rec.Applied, tc.applies, rec.Detail)
				}
				if !tc.applies {
					if !reflect.DeepEqual(c, parent) {
						t.Fatalf("seed %d: an inapplicable mutation changed the genome", seed)
					}
					continue
				}
				if c.NextID < parent.NextID {
					t.Errorf("seed %d: next_id went back from %d to %d", seed, parent.NextID, c.NextID)
				}
				d := diff(parent, c)
				if d.frame {
					t.Errorf("seed %d: input shape or classes changed", seed)
				}
				if tc.check != nil {
					tc.check(t, parent, c, d, rec)
				}
			}
		})
	}
}

func mutationByName(t *testing.T, name string) Mutation {
	t.Helper()
	for _, m := range Mutations {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("no mutation %q", name)
	return Mutation{}
}

func TestMutationNames(t *testing.T) {
	want := []string{"alter-learning-rate", "identity", "reset-weights", "insert-convolution",
		"remove-convolution", "alter-stride", "alter-channels", "alter-filter-size",
		"insert-one-to-one", "add-skip", "remove-skip"}
	var got []string
	for _, m := range Mutations {
		got = append(got, m.Name)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Mutations names = %v, want %v", got, want)
	}
}

// TestMutationsAtIDLimit checks that mutations needing fresh IDs decline, rather than overflow,
// when NextID is at the top of the int range, and that Mutate still finds one that applies.
func TestMutationsAtIDLimit(t *testing.T) {
	g := longChain()
	g.NextID = math.MaxInt
	for _, name := range []string{"insert-convolution", "insert-one-to-one", "add-skip", "reset-weights"} {
		_, rec, err := mutationByName(t, name).Apply(g, newRand(1))
		if err != nil || rec.Applied {
			t.Errorf("%s at next_id MaxInt: applied %v, %v", name, rec.Applied, err)
		}
	}
	if _, _, err := Mutate(g, newRand(1), 5); err != nil {
		t.Errorf("Mutate at next_id MaxInt: %v", err)
	}
}
