package draw

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"evo/genome"
)

// net is input 8×8×1 → conv 3×5 stride 2 to 4 channels (bn_relu) → identity (linear), with a
// skip from the input to the last vertex.
func net(t *testing.T) *genome.Genome {
	g := &genome.Genome{
		Input: genome.Shape{H: 8, W: 8, C: 1}, Classes: 10, LearningRate: 0.1,
		Vertices: []genome.Vertex{{ID: "v0", Activation: genome.Linear}, {ID: "v1", Activation: genome.BNReLU}, {ID: "v2", Activation: genome.Linear}},
		Edges: []genome.Edge{
			{ID: "e3", From: "v0", To: "v1", Kind: genome.Conv, Channels: 4, HalfH: 1, HalfW: 2, StrideScale: 1},
			{ID: "e4", From: "v1", To: "v2", Kind: genome.Identity},
			{ID: "e5", From: "v0", To: "v2", Kind: genome.Identity, Skip: true},
		},
		HeadID: "h6", NextID: 7,
	}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	return g
}

func TestSVG(t *testing.T) {
	var b bytes.Buffer
	if err := SVG(&b, net(t)); err != nil {
		t.Fatal(err)
	}
	// Well-formed XML whose root is an svg element, holding every part of the genome.
	d := xml.NewDecoder(bytes.NewReader(b.Bytes()))
	var root string
	var texts []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, b.String())
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
		case xml.CharData:
			if s := strings.TrimSpace(string(tok)); s != "" {
				texts = append(texts, s)
			}
		}
	}
	if root != "svg" {
		t.Fatalf("root element %q, want svg", root)
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"input v0  8×8×1", "v1  4×4×4  bn_relu", "v2  4×4×4  linear", "e3 conv 3×5 /2 → 4", "e4 identity", "e5 skip v0→v2", "head h6  global avg pool → FC → 10 classes"} {
		if !strings.Contains(all, want) {
			t.Errorf("the drawing lacks %q; its texts:\n%s", want, all)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestSVGWriteError(t *testing.T) {
	if err := SVG(failWriter{}, net(t)); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("write error: %v", err)
	}
}
