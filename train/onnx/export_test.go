package onnx

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"evo/genome"
	"evo/train/checkpoint"
	"evo/train/ops"
)

// fields is a decoded protobuf message: every value of every field number, in order. Varints
// and fixed32 values are uint64s, length-delimited ones []byte.
type fields map[protowire.Number][]any

func decode(t *testing.T, b []byte) fields {
	t.Helper()
	f := fields{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			t.Fatalf("bad tag: %v", protowire.ParseError(n))
		}
		b = b[n:]
		var v any
		switch typ {
		case protowire.VarintType:
			var x uint64
			x, n = protowire.ConsumeVarint(b)
			v = x
		case protowire.Fixed32Type:
			var x uint32
			x, n = protowire.ConsumeFixed32(b)
			v = uint64(x)
		case protowire.BytesType:
			var x []byte
			x, n = protowire.ConsumeBytes(b)
			v = x
		default:
			t.Fatalf("field %d: unexpected wire type %d", num, typ)
		}
		if n < 0 {
			t.Fatalf("field %d: %v", num, protowire.ParseError(n))
		}
		b = b[n:]
		f[num] = append(f[num], v)
	}
	return f
}

func (f fields) str(num protowire.Number) string {
	if len(f[num]) == 0 {
		return ""
	}
	return string(f[num][0].([]byte))
}

func (f fields) strs(num protowire.Number) []string {
	var out []string
	for _, v := range f[num] {
		out = append(out, string(v.([]byte)))
	}
	return out
}

func (f fields) int(num protowire.Number) int64 {
	if len(f[num]) == 0 {
		return 0
	}
	return int64(f[num][0].(uint64))
}

// packed decodes a packed repeated varint field.
func (f fields) packed(t *testing.T, num protowire.Number) []int64 {
	var out []int64
	for _, v := range f[num] {
		b := v.([]byte)
		for len(b) > 0 {
			x, n := protowire.ConsumeVarint(b)
			if n < 0 {
				t.Fatalf("packed field %d: %v", num, protowire.ParseError(n))
			}
			out = append(out, int64(x))
			b = b[n:]
		}
	}
	return out
}

func (f fields) subs(t *testing.T, num protowire.Number) []fields {
	var out []fields
	for _, v := range f[num] {
		out = append(out, decode(t, v.([]byte)))
	}
	return out
}

// testNet is input 7×7×2 → conv to 3 channels, 3×5 (non-square), bn_relu → conv to 5 channels,
// 3×3, stride 2 (7 → 4), bn_relu → conv to 4 channels, 1×3, linear; skips v0→v3 (7→4 resize, 2→4
// channels) and v1→v3 (7→4, 3→4 channels).
func testNet(t *testing.T) *genome.Genome {
	t.Helper()
	g := &genome.Genome{
		Input: genome.Shape{H: 7, W: 7, C: 2}, Classes: 4, LearningRate: 0.1,
		Vertices: []genome.Vertex{{ID: "v0", Activation: genome.Linear}, {ID: "v1", Activation: genome.BNReLU},
			{ID: "v2", Activation: genome.BNReLU}, {ID: "v3", Activation: genome.Linear}},
		Edges: []genome.Edge{
			{ID: "e4", From: "v0", To: "v1", Kind: genome.Conv, Channels: 3, HalfH: 1, HalfW: 2},
			{ID: "e5", From: "v1", To: "v2", Kind: genome.Conv, Channels: 5, HalfH: 1, HalfW: 1, StrideScale: 1},
			{ID: "e6", From: "v2", To: "v3", Kind: genome.Conv, Channels: 4, HalfW: 1},
			{ID: "e7", From: "v0", To: "v3", Kind: genome.Identity, Skip: true},
			{ID: "e8", From: "v1", To: "v3", Kind: genome.Identity, Skip: true},
		},
		HeadID: "h9", NextID: 10,
	}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	return g
}

// randomCheckpoint fills every tensor of g with distinct random values.
func randomCheckpoint(t *testing.T, g *genome.Genome, seed int64) *checkpoint.Checkpoint {
	t.Helper()
	specs, err := g.Tensors()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	ck := checkpoint.New()
	for _, s := range specs {
		tt := &checkpoint.Tensor{Shape: s.Shape, Data: make([]float32, numel(s.Shape))}
		for i := range tt.Data {
			tt.Data[i] = float32(rng.NormFloat64())
			if s.Role == genome.BNVar {
				tt.Data[i] = float32(0.5 + rng.Float64())
			}
		}
		ck.Tensors[s.ID] = tt
	}
	return ck
}

func numel(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// TestMarshalStructure decodes an exported model with protowire and checks the model header,
// the node sequence, the convolution padding, the skip's gathers and pads, the initializers'
// values and the graph's input and output.
func TestMarshalStructure(t *testing.T) {
	g := testNet(t)
	ck := randomCheckpoint(t, g, 1)
	b, err := Marshal(g, ck, Options{Producer: "test", Metadata: map[string]string{"evo.id": "x"}})
	if err != nil {
		t.Fatal(err)
	}
	m := decode(t, b)
	if m.int(modelIRVersion) != IRVersion || m.str(modelProducerName) != "evo" || m.str(modelProducerVersion) != "test" {
		t.Errorf("header: ir %d, producer %q %q", m.int(modelIRVersion), m.str(modelProducerName), m.str(modelProducerVersion))
	}
	ops := m.subs(t, modelOpsetImport)
	if len(ops) != 1 || ops[0].str(opsetDomain) != "" || ops[0].int(opsetVersion) != Opset {
		t.Errorf("opset imports %v, want the default domain at %d", ops, Opset)
	}
	meta := m.subs(t, modelMetadataProps)
	if len(meta) != 1 || meta[0].str(entryKey) != "evo.id" || meta[0].str(entryValue) != "x" {
		t.Errorf("metadata %v", meta)
	}
	gr := m.subs(t, modelGraph)[0]

	var types []string
	nodes := map[string]fields{}
	for _, n := range gr.subs(t, graphNode) {
		types = append(types, n.str(nodeOpType))
		nodes[n.str(nodeName)] = n
	}
	want := []string{
		"Conv", "BatchNormalization", "Relu", // v1
		"Conv", "BatchNormalization", "Relu", // v2
		"Conv",                           // v3's primary input
		"Gather", "Gather", "Pad", "Add", // skip e7: 7→4 rows and columns, 2→4 channels
		"Gather", "Gather", "Pad", "Add", // skip e8: 3→4 channels
		"GlobalAveragePool", "Flatten", "Gemm",
	}
	if !slices.Equal(types, want) {
		t.Fatalf("node types\n%v, want\n%v", types, want)
	}
	attrs := func(n fields) map[string]fields {
		out := map[string]fields{}
		for _, a := range n.subs(t, nodeAttribute) {
			out[a.str(attrName)] = a
		}
		return out
	}
	// e4: 3×5 over 7×7, stride 1: pads 1 (top, bottom) and 2 (left, right).
	a := attrs(nodes["e4.conv"])
	if got := a["pads"].packed(t, attrInts); !slices.Equal(got, []int64{1, 2, 1, 2}) {
		t.Errorf("e4 pads %v, want [1 2 1 2]", got)
	}
	if got := a["kernel_shape"].packed(t, attrInts); !slices.Equal(got, []int64{3, 5}) {
		t.Errorf("e4 kernel %v", got)
	}
	// e5: 3×3 stride 2 over 7×7 → 4×4: total padding (4−1)·2+3−7 = 2 per axis, 1 each side.
	a = attrs(nodes["e5.conv"])
	if got := a["pads"].packed(t, attrInts); !slices.Equal(got, []int64{1, 1, 1, 1}) {
		t.Errorf("e5 pads %v, want [1 1 1 1]", got)
	}
	if got := a["strides"].packed(t, attrInts); !slices.Equal(got, []int64{2, 2}) {
		t.Errorf("e5 strides %v", got)
	}
	// e6: 1×3 over 4×4 stride 1: no rows padded, one column each side.
	if got := attrs(nodes["e6.conv"])["pads"].packed(t, attrInts); !slices.Equal(got, []int64{0, 1, 0, 1}) {
		t.Errorf("e6 pads %v, want [0 1 0 1]", got)
	}
	if eps := math.Float32frombits(uint32(attrs(nodes["v1.bn"])["epsilon"].int(attrF))); eps != float32(DefaultEpsilon) {
		t.Errorf("epsilon %g", eps)
	}
	if ax := attrs(nodes["e7.cols"])["axis"].int(attrI); ax != 3 {
		t.Errorf("e7.cols axis %d, want 3", ax)
	}

	inits := map[string]fields{}
	for _, in := range gr.subs(t, graphInitializer) {
		inits[in.str(tensorName)] = in
	}
	for id, tt := range ck.Tensors {
		in, ok := inits[id]
		if !ok {
			t.Errorf("tensor %s is not an initializer", id)
			continue
		}
		dims := in.packed(t, tensorDims)
		if len(dims) != len(tt.Shape) || in.int(tensorDataType) != dataFloat {
			t.Errorf("%s: dims %v type %d, want %v float", id, dims, in.int(tensorDataType), tt.Shape)
		}
		raw := in[tensorRawData][0].([]byte)
		for i, v := range tt.Data {
			if got := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])); got != v {
				t.Fatalf("%s[%d] = %g, want %g", id, i, got, v)
			}
		}
	}
	rows := inits["e7.rows.index"]
	raw := rows[tensorRawData][0].([]byte)
	var idx []int64
	for i := 0; i < len(raw); i += 8 {
		idx = append(idx, int64(binary.LittleEndian.Uint64(raw[i:])))
	}
	if !slices.Equal(idx, []int64{0, 2, 4, 6}) || rows.int(tensorDataType) != dataInt64 {
		t.Errorf("e7 row indices %v, want [0 2 4 6] int64", idx)
	}
	pads := inits["e7.pad.pads"][tensorRawData][0].([]byte)
	if c := binary.LittleEndian.Uint64(pads[5*8:]); c != 2 {
		t.Errorf("e7 pads %d channels after the last, want 2", c)
	}

	in, out := gr.subs(t, graphInput), gr.subs(t, graphOutput)
	if len(in) != 1 || in[0].str(valueName) != InputName || len(out) != 1 || out[0].str(valueName) != OutputName {
		t.Fatalf("graph inputs %v outputs %v", in, out)
	}
	shape := decode(t, decode(t, in[0][valueType][0].([]byte))[typeTensor][0].([]byte)).subs(t, tensorShape)[0].subs(t, shapeDim)
	if len(shape) != 4 || shape[0].str(dimParam) != "N" || shape[1].int(dimValue) != 2 || shape[2].int(dimValue) != 7 {
		t.Errorf("input shape %v, want [N 2 7 7]", shape)
	}
	if got := nodes["h9.gemm"].strs(nodeOutput); !slices.Equal(got, []string{OutputName}) {
		t.Errorf("gemm outputs %v", got)
	}
}

// TestMarshalNormalisation checks the optional Sub/Div at the start of the graph.
func TestMarshalNormalisation(t *testing.T) {
	g := testNet(t)
	b, err := Marshal(g, randomCheckpoint(t, g, 2), Options{Mean: []float32{0.5, 0.25}, Std: []float32{0.2, 0.1}})
	if err != nil {
		t.Fatal(err)
	}
	gr := decode(t, b).subs(t, modelGraph)[0]
	n := gr.subs(t, graphNode)
	if n[0].str(nodeOpType) != "Sub" || n[1].str(nodeOpType) != "Div" || n[2].strs(nodeInput)[0] != "input.normalised" {
		t.Errorf("first nodes %s %s, conv input %v", n[0].str(nodeOpType), n[1].str(nodeOpType), n[2].strs(nodeInput))
	}
	if _, err := Marshal(g, randomCheckpoint(t, g, 2), Options{Mean: []float32{0.5}, Std: []float32{0.2}}); err == nil {
		t.Error("one mean for two channels: no error")
	}
}

// TestMarshalErrors: a checkpoint that does not fit the genome is refused with the tensor named.
func TestMarshalErrors(t *testing.T) {
	g := testNet(t)
	ck := randomCheckpoint(t, g, 3)
	delete(ck.Tensors, "v2.bn.mean")
	if _, err := Marshal(g, ck, Options{}); err == nil || !strings.Contains(err.Error(), "v2.bn.mean") {
		t.Errorf("missing tensor: %v", err)
	}
	ck = randomCheckpoint(t, g, 3)
	ck.Tensors["e5.w"].Shape = []int{5, 3, 1, 9}
	if _, err := Marshal(g, ck, Options{}); err == nil || !strings.Contains(err.Error(), "e5.w") {
		t.Errorf("wrong shape: %v", err)
	}
}

// TestNearest: the resize rule of train's skip op, which the export's Gather nodes use.
func TestNearest(t *testing.T) {
	for _, c := range []struct {
		in, out int
		want    []int
	}{
		{7, 4, []int{0, 2, 4, 6}},
		{8, 4, []int{0, 2, 4, 6}},
		{8, 2, []int{0, 4}},
		{7, 1, []int{0}},
		{5, 5, []int{0, 1, 2, 3, 4}},
		{32, 8, []int{0, 4, 8, 12, 16, 20, 24, 28}},
		{3, 6, []int{0, 0, 1, 1, 2, 2}}, // enlarging: floor(o·in/out)
	} {
		if got := ops.Nearest(c.in, c.out); !slices.Equal(got, c.want) {
			t.Errorf("Nearest(%d, %d) = %v, want %v", c.in, c.out, got, c.want)
		}
	}
}
