package onnx

import (
	"fmt"
	"io"
	"slices"

	"evo/genome"
	"evo/train/checkpoint"
	"evo/train/ops"
)

// Versions written into every model: opset 13 of the default domain and IR version 7, the
// IR version that introduced opset 13, which every onnxruntime since 1.7 and the onnx
// package since 1.8 read.
const (
	Opset     = 13
	IRVersion = 7
)

// Names of the graph's input and output.
const (
	InputName  = "input"
	OutputName = "logits"
)

// DefaultEpsilon is the batch-norm epsilon evo trains with (train.DefaultBNEpsilon).
const DefaultEpsilon = 1e-3

// Options control an export. The zero value exports a model whose input is already normalised.
type Options struct {
	// Epsilon is the batch-norm epsilon. 0 means DefaultEpsilon (1e-3).
	Epsilon float64
	// Mean and Std, when set (one value per input channel, in the [0,1] pixel scale), put the
	// input normalisation into the graph: the model then takes pixels/255 and computes
	// (x − mean[c]) / std[c] first. Nil: the input must be normalised by the caller.
	Mean, Std []float32
	// Producer is written as the producer version (e.g. evo's version); "" leaves it out.
	Producer string
	// Doc is the model's doc string; Metadata its metadata_props. Both optional.
	Doc      string
	Metadata map[string]string
}

// Export writes the inference graph of genome g with the tensors of ck to w as an ONNX model.
func Export(w io.Writer, g *genome.Genome, ck *checkpoint.Checkpoint, o Options) error {
	b, err := Marshal(g, ck, o)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("onnx: write model: %w", err)
	}
	return nil
}

// Marshal returns the ONNX model of g with the tensors of ck (see Export).
func Marshal(g *genome.Genome, ck *checkpoint.Checkpoint, o Options) ([]byte, error) {
	if g == nil || ck == nil {
		return nil, fmt.Errorf("onnx: export needs a genome and a checkpoint")
	}
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	if o.Epsilon == 0 {
		o.Epsilon = DefaultEpsilon
	}
	if (o.Mean == nil) != (o.Std == nil) || (o.Mean != nil && (len(o.Mean) != g.Input.C || len(o.Std) != g.Input.C)) {
		return nil, fmt.Errorf("onnx: normalisation with %d means and %d standard deviations for %d input channels: give both, one per channel, or neither",
			len(o.Mean), len(o.Std), g.Input.C)
	}
	for _, s := range o.Std {
		if !(s > 0) {
			return nil, fmt.Errorf("onnx: normalisation standard deviation %g: want > 0", s)
		}
	}
	b := &builder{g: g, ck: ck, opts: o}
	if err := b.graph(); err != nil {
		return nil, err
	}
	return b.model(), nil
}

// builder accumulates the nodes and initializers of one graph.
type builder struct {
	g     *genome.Genome
	ck    *checkpoint.Checkpoint
	opts  Options
	nodes []node
	inits []initializer
	names map[string]bool // initializer names already added
}

// graph builds the backbone vertex by vertex, as train builds its gorgonia graph: a vertex is
// its primary input (an identity, or a SAME convolution) plus every skip input, resized and
// channel-adjusted to its shape, then its activation; then the head.
func (b *builder) graph() error {
	shapes, err := b.g.Shapes()
	if err != nil {
		return fmt.Errorf("onnx: %w", err)
	}
	out := make(map[string]string, len(b.g.Vertices)) // vertex id → value name
	for i, v := range b.g.Vertices {
		var h string
		if i == 0 {
			h = b.input()
		} else {
			e, _ := b.g.PrimaryIn(v.ID)
			h = out[e.From]
			if e.Kind == genome.Conv {
				if h, err = b.conv(e, h, shapes[e.From]); err != nil {
					return err
				}
			}
			for _, sk := range b.g.SkipsIn(v.ID) {
				r := b.skip(sk, out[sk.From], shapes[sk.From], shapes[v.ID])
				sum := v.ID + ".sum." + sk.ID
				b.add("Add", sum, []string{h, r}, sum)
				h = sum
			}
		}
		if v.Activation == genome.BNReLU {
			if h, err = b.bnReLU(v.ID, h, shapes[v.ID].C); err != nil {
				return err
			}
		}
		out[v.ID] = h
	}
	return b.head(out[b.g.OutputVertex().ID], shapes[b.g.OutputVertex().ID].C)
}

// input returns the value the first vertex sees: the graph input, normalised first when the
// options carry the constants.
func (b *builder) input() string {
	if b.opts.Mean == nil {
		return InputName
	}
	c := int64(b.g.Input.C)
	b.constF("input.mean", []int64{1, c, 1, 1}, b.opts.Mean)
	b.constF("input.std", []int64{1, c, 1, 1}, b.opts.Std)
	b.add("Sub", "input.centred", []string{InputName, "input.mean"}, "input.centred")
	b.add("Div", "input.normalised", []string{"input.centred", "input.std"}, "input.normalised")
	return "input.normalised"
}

// conv adds a SAME convolution of edge e over x of shape in, padded as train's conv op pads
// (ops.SamePad): the smaller half of the padding at the top/left, the extra row/column at the
// bottom/right.
func (b *builder) conv(e genome.Edge, x string, in genome.Shape) (string, error) {
	kh, kw, s := e.FilterH(), e.FilterW(), e.Stride()
	w, err := b.weight(genome.TensorID(e.ID, genome.ConvKernel), []int{e.Channels, in.C, kh, kw})
	if err != nil {
		return "", err
	}
	top, bottom := ops.SamePad(in.H, kh, s)
	left, right := ops.SamePad(in.W, kw, s)
	y := e.ID + ".conv"
	b.add("Conv", y, []string{x, w}, y,
		intsAttr("kernel_shape", kh, kw),
		intsAttr("strides", s, s),
		intsAttr("pads", top, left, bottom, right),
		intsAttr("dilations", 1, 1),
		intAttr("group", 1))
	return y, nil
}

// bnReLU adds batch normalisation with the running statistics of vertex v, then a ReLU.
func (b *builder) bnReLU(v, x string, c int) (string, error) {
	in := []string{x}
	for _, r := range []genome.TensorRole{genome.BNGamma, genome.BNBeta, genome.BNMean, genome.BNVar} {
		name, err := b.weight(genome.TensorID(v, r), []int{c})
		if err != nil {
			return "", err
		}
		in = append(in, name)
	}
	bn, relu := v+".bn", v+".relu"
	b.add("BatchNormalization", bn, in, bn, floatAttr("epsilon", float32(b.opts.Epsilon)))
	b.add("Relu", relu, []string{bn}, relu)
	return relu, nil
}

// skip adds the resize and channel adjustment of a skip input x of shape from to shape to:
// rows and columns gathered by nearest neighbour exactly as train's skip op picks them, then
// the first channels kept (Slice) or zero channels appended (Pad).
func (b *builder) skip(e genome.Edge, x string, from, to genome.Shape) string {
	if from.H != to.H {
		x = b.gather(e.ID+".rows", x, 2, ops.Nearest(from.H, to.H))
	}
	if from.W != to.W {
		x = b.gather(e.ID+".cols", x, 3, ops.Nearest(from.W, to.W))
	}
	switch {
	case from.C > to.C:
		y := e.ID + ".truncate"
		b.constI(y+".starts", []int64{0})
		b.constI(y+".ends", []int64{int64(to.C)})
		b.constI(y+".axes", []int64{1})
		b.add("Slice", y, []string{x, y + ".starts", y + ".ends", y + ".axes"}, y)
		x = y
	case from.C < to.C:
		y := e.ID + ".pad"
		b.constI(y+".pads", []int64{0, 0, 0, 0, 0, int64(to.C - from.C), 0, 0})
		b.add("Pad", y, []string{x, y + ".pads"}, y)
		x = y
	}
	return x
}

// gather adds a Gather of the given indices along axis.
func (b *builder) gather(name, x string, axis int, idx []int) string {
	ix := make([]int64, len(idx))
	for i, v := range idx {
		ix[i] = int64(v)
	}
	b.constI(name+".index", ix)
	b.add("Gather", name, []string{x, name + ".index"}, name, intAttr("axis", axis))
	return name
}

// head adds global average pooling, a flatten and the fully-connected layer.
func (b *builder) head(x string, c int) error {
	h := b.g.HeadID
	w, err := b.weight(genome.TensorID(h, genome.HeadWeight), []int{c, b.g.Classes})
	if err != nil {
		return err
	}
	bias, err := b.weight(genome.TensorID(h, genome.HeadBias), []int{b.g.Classes})
	if err != nil {
		return err
	}
	b.add("GlobalAveragePool", h+".pool", []string{x}, h+".pool")
	b.add("Flatten", h+".flat", []string{h + ".pool"}, h+".flat", intAttr("axis", 1))
	b.add("Gemm", h+".gemm", []string{h + ".flat", w, bias}, OutputName)
	return nil
}

// weight adds the checkpoint tensor id as an initializer after checking its shape.
func (b *builder) weight(id string, shape []int) (string, error) {
	t, ok := b.ck.Tensors[id]
	if !ok || t == nil {
		return "", fmt.Errorf("onnx: tensor %s is missing from the checkpoint: it does not belong to this genome", id)
	}
	if !slices.Equal(t.Shape, shape) || len(t.Data) != t.Len() {
		return "", fmt.Errorf("onnx: tensor %s has shape %v and %d values, the genome needs %v", id, t.Shape, len(t.Data), shape)
	}
	dims := make([]int64, len(shape))
	for i, d := range shape {
		dims[i] = int64(d)
	}
	b.constF(id, dims, t.Data)
	return id, nil
}

func (b *builder) constF(name string, dims []int64, v []float32) {
	b.addInit(initializer{name: name, dims: dims, f32: v})
}

// constI adds a 1-D int64 initializer.
func (b *builder) constI(name string, v []int64) {
	b.addInit(initializer{name: name, dims: []int64{int64(len(v))}, i64: v, isInt: true})
}

func (b *builder) addInit(t initializer) {
	if b.names == nil {
		b.names = map[string]bool{}
	}
	if !b.names[t.name] {
		b.names[t.name] = true
		b.inits = append(b.inits, t)
	}
}

func (b *builder) add(op, name string, inputs []string, output string, attrs ...attribute) {
	b.nodes = append(b.nodes, node{op: op, name: name, inputs: inputs, outputs: []string{output}, attrs: attrs})
}

// model encodes the ModelProto.
func (b *builder) model() []byte {
	in := b.g.Input
	gr := msg(nil)
	for _, n := range b.nodes {
		gr = gr.sub(graphNode, n.encode())
	}
	gr = gr.str(graphName, "evo")
	for _, t := range b.inits {
		gr = gr.sub(graphInitializer, t.encode())
	}
	gr = gr.sub(graphInput, valueInfo{name: InputName, dims: []int{0, in.C, in.H, in.W}}.encode())
	gr = gr.sub(graphOutput, valueInfo{name: OutputName, dims: []int{0, b.g.Classes}}.encode())
	gr = gr.str(graphDocString, b.inputDoc())

	m := msg(nil).int64(modelIRVersion, IRVersion).str(modelProducerName, "evo")
	if b.opts.Producer != "" {
		m = m.str(modelProducerVersion, b.opts.Producer)
	}
	if b.opts.Doc != "" {
		m = m.str(modelDocString, b.opts.Doc)
	}
	m = m.sub(modelGraph, gr)
	m = m.sub(modelOpsetImport, msg(nil).str(opsetDomain, "").int64(opsetVersion, Opset))
	keys := make([]string, 0, len(b.opts.Metadata))
	for k := range b.opts.Metadata {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		m = m.sub(modelMetadataProps, msg(nil).str(entryKey, k).str(entryValue, b.opts.Metadata[k]))
	}
	return m
}

// inputDoc says what the graph's input must hold.
func (b *builder) inputDoc() string {
	in := b.g.Input
	s := fmt.Sprintf("input: float32 [N, %d, %d, %d] (NCHW); output logits: float32 [N, %d]. ", in.C, in.H, in.W, b.g.Classes)
	if b.opts.Mean != nil {
		return s + fmt.Sprintf("The input is pixels/255 in [0,1]; the graph normalises it with mean %v and std %v per channel.", b.opts.Mean, b.opts.Std)
	}
	return s + "The input must be normalised per channel: (pixels/255 - mean[c]) / std[c], with the training split's mean and std."
}
