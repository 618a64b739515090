package genome

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestValidateAcceptsGoodGenomes(t *testing.T) {
	for name, g := range map[string]*Genome{
		"initial cifar":  Initial(Shape{H: 32, W: 32, C: 3}, 10),
		"initial digits": Initial(Shape{H: 8, W: 8, C: 1}, 10),
		"fixture":        fixture(),
	} {
		t.Run(name, func(t *testing.T) { mustValid(t, g) })
	}
}

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		change func(g *Genome)
		want   string // substring of the error
	}{
		{"nil vertices", func(g *Genome) { g.Vertices = nil }, "genome: vertices count 0 out of range"},
		{"one vertex", func(g *Genome) { g.Vertices = g.Vertices[:1]; g.Edges = nil }, "vertices count 1"},
		{"input height", func(g *Genome) { g.Input.H = 0 }, "genome: input.h 0 out of range [1, 65536]"},
		{"input channels", func(g *Genome) { g.Input.C = MaxChannels + 1 }, "input.c 65537 out of range"},
		{"one class", func(g *Genome) { g.Classes = 1 }, "classes 1 out of range [2,"},
		{"zero lr", func(g *Genome) { g.LearningRate = 0 }, "learning_rate 0 must be a finite number > 0"},
		{"negative lr", func(g *Genome) { g.LearningRate = -0.1 }, "learning_rate -0.1"},
		{"nan lr", func(g *Genome) { g.LearningRate = math.NaN() }, "learning_rate NaN"},
		{"inf lr", func(g *Genome) { g.LearningRate = math.Inf(1) }, "learning_rate +Inf"},
		{"negative next id", func(g *Genome) { g.NextID = -1 }, "next_id -1 must be at least 0"},
		{"head id form", func(g *Genome) { g.HeadID = "x3" }, `head x3: head_id "x3" is not of the form h<n>`},
		{"head id leading zero", func(g *Genome) { g.HeadID = "h03" }, "leading zero"},
		{"head id at next", func(g *Genome) { g.HeadID = "h11" }, `number of "h11" is not below next_id 11`},
		{"vertex id form", func(g *Genome) { g.Vertices[2].ID = "e7" }, `vertex e7: id "e7" is not of the form v<n>`},
		{"vertex id beyond next", func(g *Genome) { g.Vertices[3].ID = "v99" }, `vertex v99: id number of "v99"`},
		{"duplicate vertex", func(g *Genome) { g.Vertices[3].ID = "v5" }, "vertex v5: id appears twice"},
		{"unknown activation", func(g *Genome) { g.Vertices[1].Activation = "tanh" }, `vertex v5: activation "tanh" unknown`},
		{"input not linear", func(g *Genome) { g.Vertices[0].Activation = BNReLU }, "vertex v0: activation \"bn_relu\": the input vertex must be \"linear\""},
		{"edge id form", func(g *Genome) { g.Edges[0].ID = "e-2" }, `edge e-2: id "e-2" is not of the form e<n>`},
		{"duplicate edge", func(g *Genome) { g.Edges[1].ID = "e2" }, "edge e2: id appears twice"},
		{"edge from unknown", func(g *Genome) { g.Edges[0].From = "v4" }, `edge e2: from "v4" is not a vertex`},
		{"edge to unknown", func(g *Genome) { g.Edges[0].To = "v4" }, `edge e2: to "v4" is not a vertex`},
		{"unknown kind", func(g *Genome) { g.Edges[0].Kind = "pool" }, `edge e2: kind "pool" unknown`},
		{"channels zero", func(g *Genome) { g.Edges[2].Channels = 0 }, "genome: edge e6: channels 0 out of range [1, 65536]"},
		{"channels big", func(g *Genome) { g.Edges[2].Channels = MaxChannels + 1 }, "edge e6: channels 65537 out of range"},
		{"half h", func(g *Genome) { g.Edges[2].HalfH = -1 }, "edge e6: half_h -1 out of range [0, 64]"},
		{"half w", func(g *Genome) { g.Edges[2].HalfW = MaxHalf + 1 }, "edge e6: half_w 65 out of range"},
		{"stride", func(g *Genome) { g.Edges[3].StrideScale = MaxStrideScale + 1 }, "edge e8: stride_scale 11 out of range [0, 10]"},
		{"identity with conv fields", func(g *Genome) { g.Edges[0].Channels = 4 }, "edge e2: kind identity edge carries conv fields"},
		{"conv skip", func(g *Genome) { g.Edges[1].Kind, g.Edges[1].Channels = Conv, 8 }, "edge e10: kind conv: skip edges must be identity"},
		{"adjacent skip", func(g *Genome) { g.Edges[1].From = "v7" }, "edge e10: to v1: a skip must go from an earlier to a later, non-adjacent"},
		{"backward skip", func(g *Genome) { g.Edges[1].From, g.Edges[1].To = "v1", "v5" }, "edge e10: to v5: a skip must go"},
		{"duplicate skip", func(g *Genome) {
			g.Edges = append(g.Edges, Edge{ID: "e4", From: "v5", To: "v1", Kind: Identity, Skip: true})
		}, "duplicates skip e10 from v5 to v1"},
		{"primary into input", func(g *Genome) { g.Edges[0].To = "v0" }, "edge e2: to v0 is the input vertex"},
		{"primary jumps", func(g *Genome) { g.Edges[0].From = "v5" }, "edge e2: from v5: the primary in-edge of v1 must come from the previous backbone vertex v7"},
		{"two primaries", func(g *Genome) { g.Edges[1].Skip = false; g.Edges[1].From = "v7" }, "already has the primary in-edge"},
		{"missing primary", func(g *Genome) { g.Edges = g.Edges[1:] }, "vertex v1: has no primary in-edge from v7"},
		{"cycle by order", func(g *Genome) {
			g.Vertices[1], g.Vertices[2] = g.Vertices[2], g.Vertices[1]
		}, "must come from the previous backbone vertex"},
		{"vertex named like head", func(g *Genome) { g.Vertices[1].ID = "h3" }, `vertex h3: id "h3" is not of the form v<n>`},
		{"too many edges", func(g *Genome) { g.Edges = make([]Edge, MaxEdges+1) }, "edges count 100001 above the limit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := fixture()
			c.change(g)
			err := g.Validate()
			if err == nil {
				t.Fatalf("Validate accepted the genome; want an error containing %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q\ndoes not contain %q", err, c.want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Part == "" {
				t.Errorf("error %v is not a *ValidationError naming a part", err)
			}
		})
	}
}

func TestValidateNil(t *testing.T) {
	var g *Genome
	if err := g.Validate(); !errors.Is(err, ErrInvalid) {
		t.Fatalf("nil genome: got %v, want ErrInvalid", err)
	}
}
