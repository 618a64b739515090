package genome

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./genome/ -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (if the change is intended, run go test ./genome/ -run Golden -update):\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestGoldenJSON(t *testing.T) {
	data, err := Encode(fixture())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "golden.json", data)
	g, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	want := fixture()
	sortEdges(want.Edges)
	if !reflect.DeepEqual(g, want) {
		t.Errorf("decoded golden genome differs:\n%+v\nwant\n%+v", g, want)
	}
}

func TestGoldenDOT(t *testing.T) {
	dot, err := DOT(fixture())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "golden.dot", []byte(dot))
	for _, want := range []string{
		`"v0" -> "v5" [id="e6", label="conv 3×3 /1 → 16"]`,
		`"v5" -> "v7" [id="e8", label="conv 3×5 /2 → 32"]`,
		`"v7" -> "v1" [id="e2"]`,
		`"v0" -> "v7" [id="e9", style=dashed]`,
		`label="v7\n16×16×32\nbn_relu"`,
		`label="input v0\n32×32×3", shape=invhouse`,
		`label="head h3\nGAP + FC → 10 classes", shape=house`,
		`"v1" -> "h3";`,
	} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT lacks %s", want)
		}
	}
	// Graphviz must accept the text, where it is installed.
	if bin, err := exec.LookPath("dot"); err == nil {
		cmd := exec.Command(bin, "-Tsvg")
		cmd.Stdin = strings.NewReader(dot)
		if out, err := cmd.CombinedOutput(); err != nil || !bytes.Contains(out, []byte("<svg")) {
			t.Errorf("graphviz rejected the DOT text: %v\n%.500s", err, out)
		}
	} else {
		t.Log("graphviz not installed: DOT syntax not checked by dot")
	}
}

func TestEncodeIsCanonical(t *testing.T) {
	a := fixture()
	b := fixture()
	// Reverse the edges: the encoding must not depend on their order.
	for i, j := 0, len(b.Edges)-1; i < j; i, j = i+1, j-1 {
		b.Edges[i], b.Edges[j] = b.Edges[j], b.Edges[i]
	}
	ea, err := Encode(a)
	if err != nil {
		t.Fatal(err)
	}
	eb, _ := Encode(b)
	if !bytes.Equal(ea, eb) {
		t.Error("edge order changed the encoding")
	}
	if !bytes.HasPrefix(ea, []byte("{\n  \"format_version\": 1,\n")) || !bytes.HasSuffix(ea, []byte("}\n")) {
		t.Errorf("encoding does not start with the format version or end with a newline:\n%s", ea)
	}
	if i, j := bytes.Index(ea, []byte(`"id": "e2"`)), bytes.Index(ea, []byte(`"id": "e10"`)); i > j {
		t.Error("edges not sorted by ID number (e2 before e10)")
	}
	if !reflect.DeepEqual(a, fixture()) {
		t.Error("Encode modified the genome")
	}
	if _, err := Encode(&Genome{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("encoding an invalid genome: %v", err)
	}
}

func TestDecodeRejects(t *testing.T) {
	good, err := Encode(fixture())
	if err != nil {
		t.Fatal(err)
	}
	s := string(good)
	cases := []struct {
		name, data string
		is         error
		want       string
	}{
		{"empty", "", ErrFormat, "unexpected end"},
		{"not json", "genome", ErrFormat, "invalid character"},
		{"array", "[]", ErrFormat, "unexpected ["},
		{"unknown field", strings.Replace(s, `"classes"`, `"colour": 1, "classes"`, 1), ErrFormat, `unknown field "colour"`},
		{"unknown nested field", strings.Replace(s, `"h": 32`, `"depth": 2, "h": 32`, 1), ErrFormat, `genome.input: unknown field "depth"`},
		{"unknown edge field", strings.Replace(s, `"kind": "conv"`, `"kind": "conv", "bias": true`, 1), ErrFormat, `genome.edges[1]: unknown field "bias"`},
		{"capitalised field", strings.Replace(s, `"classes"`, `"Classes"`, 1), ErrFormat, `unknown field "Classes"`},
		{"duplicate field", strings.Replace(s, `"classes": 10`, `"classes": 10, "classes": 100`, 1), ErrFormat, `field "classes" appears twice`},
		{"missing version", strings.Replace(s, `"format_version": 1,`, ``, 1), ErrFormat, "format_version missing"},
		{"unknown version", strings.Replace(s, `"format_version": 1`, `"format_version": 2`, 1), ErrFormat, "format_version 2 unknown: this build reads version 1"},
		{"trailing data", s + "{}", ErrFormat, "data after the genome object"},
		{"truncated", s[:len(s)/2], ErrFormat, "unexpected end of input (truncated file?)"},
		{"truncated after value", `{"input":{"h":1,"w":1,"c":1},"classes":10`, ErrFormat, "genome: unexpected end of input"},
		{"two objects", s + s, ErrFormat, "data after"},
		{"wrong type", strings.Replace(s, `"classes": 10`, `"classes": "10"`, 1), ErrFormat, "cannot unmarshal string"},
		{"fraction", strings.Replace(s, `"classes": 10`, `"classes": 10.5`, 1), ErrFormat, "cannot unmarshal number 10.5"},
		{"object for scalar", strings.Replace(s, `"classes": 10`, `"classes": {}`, 1), ErrFormat, "genome.classes: unexpected {"},
		{"too large", s + strings.Repeat(" ", MaxEncodedSize), ErrFormat, "more than the limit"},
		{"invalid genome", strings.Replace(s, `"channels": 16`, `"channels": 0`, 1), ErrInvalid, "edge e6: channels 0 out of range [1, 65536]"},
		{"missing classes", strings.Replace(s, `"classes": 10,`, ``, 1), ErrInvalid, "classes 0 out of range"},
		{"null edges", s[:strings.Index(s, `"edges": [`)] + `"edges": null}`, ErrInvalid, "vertex v5: has no primary in-edge from v0"},
		{"null input", strings.Replace(s, `"input": {`, `"input": null, "x": {`, 1), ErrFormat, `unknown field "x"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, err := Decode([]byte(c.data))
			if err == nil {
				t.Fatalf("accepted: %+v", g)
			}
			if !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q: want %v containing %q", err, c.is, c.want)
			}
		})
	}
}

func TestDecodeAcceptsAnyEdgeOrderAndSpacing(t *testing.T) {
	good, _ := Encode(fixture())
	compact := bytes.Join(bytes.Fields(good), nil)
	g, err := Decode(compact)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Encode(g)
	if !bytes.Equal(again, good) {
		t.Error("compact form did not re-encode to the canonical form")
	}
}

func TestArchHash(t *testing.T) {
	a := fixture()
	h := ArchHash(a)
	if len(h) != 64 {
		t.Fatalf("hash %q is not sha256 hex", h)
	}
	reset, _, err := ResetWeights(a, newRand(1))
	if err != nil {
		t.Fatal(err)
	}
	reset.LearningRate = 0.3
	if ArchHash(reset) != h {
		t.Error("hash depends on IDs or the learning rate")
	}
	for name, change := range map[string]func(g *Genome){
		"channels":   func(g *Genome) { g.Edges[2].Channels++ },
		"filter":     func(g *Genome) { g.Edges[2].HalfW++ },
		"stride":     func(g *Genome) { g.Edges[2].StrideScale++ },
		"activation": func(g *Genome) { g.Vertices[3].Activation = BNReLU },
		"skip":       func(g *Genome) { g.Edges = g.Edges[:4] },
		"skip ends":  func(g *Genome) { g.Edges[4].To = "v1" },
		"classes":    func(g *Genome) { g.Classes = 100 },
		"input":      func(g *Genome) { g.Input.H = 28 },
	} {
		g := fixture()
		change(g)
		if ArchHash(g) == h {
			t.Errorf("%s: hash unchanged", name)
		}
	}
	if ArchHash(nil) != "" {
		t.Error("nil genome hash not empty")
	}
}

// FuzzDecode checks that Decode never panics and that whatever it accepts is valid, encodes,
// and decodes back to the same genome and bytes.
func FuzzDecode(f *testing.F) {
	for _, g := range []*Genome{fixture(), longChain(), Initial(Shape{H: 8, W: 8, C: 1}, 10)} {
		data, err := Encode(g)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := Decode(data)
		if err != nil {
			return
		}
		if err := g.Validate(); err != nil {
			t.Fatalf("Decode returned an invalid genome: %v", err)
		}
		enc, err := Encode(g)
		if err != nil {
			t.Fatalf("Encode of a decoded genome: %v", err)
		}
		back, err := Decode(enc)
		if err != nil {
			t.Fatalf("Decode of Encode: %v\n%s", err, enc)
		}
		again, err := Encode(back)
		if err != nil || !bytes.Equal(enc, again) {
			t.Fatalf("round trip not stable: %v", err)
		}
		if ArchHash(back) != ArchHash(g) {
			t.Fatal("hash changed in the round trip")
		}
		if _, err := back.Shapes(); err != nil {
			t.Fatalf("shapes of a valid genome: %v", err)
		}
		if _, err := DOT(back); err != nil {
			t.Fatalf("DOT of a valid genome: %v", err)
		}
		if _, err := back.OpCounts(); err != nil && !errors.Is(err, ErrOverflow) {
			t.Fatalf("op counts of a valid genome: %v", err)
		}
		child, _, err := Mutate(back, newRand(uint64(len(data))), 3)
		if err != nil {
			t.Fatalf("mutating a decoded genome: %v", err)
		}
		if _, err := Encode(child); err != nil && !strings.Contains(err.Error(), "more than the limit") {
			t.Fatalf("encoding a mutated child: %v", err)
		}
	})
}
