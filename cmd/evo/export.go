package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"evo/genome"
	"evo/population"
	"evo/train/checkpoint"
	"evo/train/data"
)

func exportCommand() *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write an individual's genome and weights in open formats, or as an ONNX model",
		ArgsUsage: "ID|best",
		Description: "--format dir (the default) writes genome.json, genome.dot, architecture.svg,\n" +
			"weights.safetensors (safetensors: opens with the safetensors library or a few lines of numpy),\n" +
			"individual.json (its record) and a README.txt that says how to load them. --npy adds\n" +
			"npy/<tensor>.npy per tensor and npy/index.json. The directory must not exist or be empty.\n\n" +
			"--format onnx writes one ONNX model (opset 13) of the network for inference: input \"input\"\n" +
			"float32 [N,C,H,W] holding pixels/255, output \"logits\" [N,classes]; batch norm uses the\n" +
			"running statistics. The graph starts with the data set's per-channel normalisation, so the\n" +
			"data set must be found (--data); --no-normalise leaves it out and the model then takes\n" +
			"normalised inputs. onnxruntime, or any ONNX runtime, runs the file.",
		Flags: []cli.Flag{dirFlag, dataFlag, logLevelFlag,
			&cli.PathFlag{Name: "output", Aliases: []string{"o"}, EnvVars: []string{"EVO_EXPORT_OUTPUT"}, Usage: "directory to write (default: evo-export-ID), or the .onnx file (default: evo-ID.onnx)"},
			&cli.BoolFlag{Name: "npy", EnvVars: []string{"EVO_EXPORT_NPY"}, Usage: "also write one .npy file per tensor and an index.json"},
			&cli.StringFlag{Name: "format", Value: "dir", EnvVars: []string{"EVO_EXPORT_FORMAT"}, Usage: "dir (files in open formats) or onnx (one ONNX model file)"},
			&cli.BoolFlag{Name: "no-normalise", EnvVars: []string{"EVO_EXPORT_NO_NORMALISE"}, Usage: "onnx: leave the input normalisation out of the graph (the model takes normalised inputs)"},
		},
		Action: runExport,
	}
}

func runExport(c *cli.Context) error {
	format := c.String("format")
	if format != "dir" && format != "onnx" {
		return fmt.Errorf("--format %q: use dir or onnx", format)
	}
	if format == "onnx" && c.Bool("npy") {
		return fmt.Errorf("--npy belongs to --format dir: leave it out of an ONNX export")
	}
	e, err := openExperiment(c)
	if err != nil {
		return err
	}
	defer e.Close()
	in, err := e.individualArg(c, "")
	if err != nil {
		return err
	}
	g, _, err := e.genomeOf(in)
	if err != nil {
		return err
	}
	ck, err := e.weightsOf(in)
	if err != nil {
		return err
	}
	if format == "onnx" {
		return exportONNX(c, e, in, g, ck)
	}
	out := c.Path("output")
	if out == "" {
		out = "evo-export-" + in.Meta.ID
	}
	if err := emptyDir(out); err != nil {
		return err
	}
	files, err := exportFiles(e, in, g, ck, normalisation(c, e))
	if err != nil {
		return err
	}
	if c.Bool("npy") {
		npy, err := npyFiles(ck)
		if err != nil {
			return err
		}
		for name, b := range npy {
			files[filepath.Join("npy", name)] = b
		}
		if err := os.Mkdir(filepath.Join(out, "npy"), 0o755); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(out, name), files[name], 0o644); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	fmt.Fprintf(c.App.Writer, "exported %s (validation accuracy %.4f, %d tensors, %s parameters) to %s/: %d files\n",
		in.Meta.ID, in.Meta.Fitness, len(ck.Tensors), si(float64(ck.Params())), out, len(files))
	return nil
}

// emptyDir creates dir, or accepts it when it exists and is empty.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return os.MkdirAll(dir, 0o755)
	case err != nil:
		return fmt.Errorf("export to %s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("export to %s: the directory is not empty: give a new directory with -o", dir)
	}
	return nil
}

// exportFiles returns the files of an export but the .npy ones, by name.
func exportFiles(e *experiment, in population.Individual, g *genome.Genome, ck *checkpoint.Checkpoint, norm string) (map[string][]byte, error) {
	files := map[string][]byte{}
	var err error
	if files["genome.json"], err = genome.Encode(g); err != nil {
		return nil, err
	}
	dot, err := genome.DOT(g)
	if err != nil {
		return nil, err
	}
	files["genome.dot"] = []byte(dot)
	var svg bytes.Buffer
	if err := writeSVG(&svg, g); err != nil {
		return nil, err
	}
	files["architecture.svg"] = svg.Bytes()
	var w bytes.Buffer
	if err := checkpoint.Write(&w, ck); err != nil {
		return nil, err
	}
	files["weights.safetensors"] = w.Bytes()
	meta, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		return nil, err
	}
	files["individual.json"] = append(meta, '\n')
	files["README.txt"] = []byte(exportReadme(e, in, g, ck, norm))
	return files, nil
}

// normalisation describes the input normalisation of the experiment's data set with its
// per-channel constants, when the data set is at hand (it is never downloaded for an export).
func normalisation(c *cli.Context, e *experiment) string {
	const how = "pixel bytes divided by 255, then normalised\n" +
		"  per channel with the mean and standard deviation of the training split"
	dir, err := data.Locate(c.Path("data"))
	if err != nil {
		return how + " (the data set was not found, so the constants are not given here:\n  `evo export --data DIR` adds them).\n"
	}
	d, err := data.Load(c.Context, e.cfg.Dataset, data.Options{Dir: dir})
	if err != nil {
		return how + " (the data set was not found, so the constants are not given here:\n  `evo export --data DIR` adds them).\n"
	}
	return fmt.Sprintf("%s:\n    x = (byte/255 - mean[c]) / std[c], mean = %v, std = %v\n", how, d.Mean, d.Std)
}

func exportReadme(e *experiment, in population.Individual, g *genome.Genome, ck *checkpoint.Checkpoint, norm string) string {
	m := in.Meta
	var b strings.Builder
	fmt.Fprintf(&b, "evo individual %s\n\n", m.ID)
	fmt.Fprintf(&b, "Evolved by evo (Real et al., \"Large-Scale Evolution of Image Classifiers\", ICML 2017)\n")
	fmt.Fprintf(&b, "in the experiment %s on the %s data set.\n", e.root.Dir(), e.cfg.Dataset)
	fmt.Fprintf(&b, "Validation accuracy %.4f, generation %d, %d parameters, %d SGD steps, learning rate %g.\n\n",
		m.Fitness, m.Generation, ck.Params(), m.Steps, m.LearningRate)
	b.WriteString(`Files
  genome.json          the architecture and learning rate (evo's canonical genome JSON)
  genome.dot           the architecture as a Graphviz digraph: dot -Tsvg genome.dot > net.svg
  architecture.svg     the architecture drawn by evo
  weights.safetensors  the trained weights, float32, in the open safetensors format
  individual.json      the individual's record: parent, mutations, fitness, FLOPs, timings
`)
	fmt.Fprintf(&b, `
Network (input channels × height × width = %d×%d×%d, %d classes; NCHW, float32)
  Inputs: images as channels × height × width, %s  Vertices run in backbone order (genome.json "vertices"); every vertex sums its primary
  input and its skip inputs (resized by nearest neighbour, channels truncated or zero-padded),
  then applies its activation (bn_relu: batch norm with the running statistics and epsilon
  1e-3, then ReLU; linear: none).
  Convolutions use 'SAME' padding, no bias and stride 2^stride_scale. The head is a global
  average pool, then logits = pooled · h.w + h.b.

Tensors are keyed by the stable id of their owner:
  "<edge>.w"                    conv kernel [out channels, in channels, filter height, filter width]
  "<vertex>.bn.gamma|beta|mean|var"  batch norm of a bn_relu vertex, running statistics included
  "<head>.w" [C, classes] and "<head>.b" [classes]  the fully-connected head

Load the weights with the safetensors library (safetensors.numpy.load_file), or with numpy alone:

    import json, struct, numpy as np
    b = open("weights.safetensors", "rb").read()
    n = struct.unpack("<Q", b[:8])[0]; head = json.loads(b[8:8+n]); data = b[8+n:]
    t = {k: np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], "<f4").reshape(v["shape"])
         for k, v in head.items() if k != "__metadata__"}
`, g.Input.C, g.Input.H, g.Input.W, g.Classes, norm)
	b.WriteString(`
With --npy, npy/ holds one file per tensor (numpy.load("npy/e3.w.npy")) and npy/index.json
maps each tensor id to its file, shape and dtype.

For an ONNX model of the same network (onnxruntime runs it):
  evo export --format onnx ID -o model.onnx
`)
	return b.String()
}

// npyIndexEntry describes one exported .npy file in index.json.
type npyIndexEntry struct {
	File  string `json:"file"`
	Shape []int  `json:"shape"`
	DType string `json:"dtype"`
}

// npyFiles returns one .npy file per tensor of ck and index.json, by file name.
func npyFiles(ck *checkpoint.Checkpoint) (map[string][]byte, error) {
	files := map[string][]byte{}
	index := map[string]npyIndexEntry{}
	for id, t := range ck.Tensors {
		if !validName(id) {
			return nil, fmt.Errorf("tensor id %q cannot be a file name: the checkpoint is not evo's", id)
		}
		name := id + ".npy"
		var b bytes.Buffer
		if err := writeNPY(&b, t); err != nil {
			return nil, fmt.Errorf("tensor %s: %w", id, err)
		}
		files[name] = b.Bytes()
		index[id] = npyIndexEntry{File: name, Shape: append([]int{}, t.Shape...), DType: "<f4"}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<f4", not "\u003cf4"
	enc.SetIndent("", "  ")
	if err := enc.Encode(index); err != nil {
		return nil, err
	}
	files["index.json"] = b.Bytes()
	return files, nil
}

// npyMagic starts every .npy file; format version 1.0 follows.
const npyMagic = "\x93NUMPY"

// writeNPY writes t as a .npy file, format 1.0: magic, version, a little-endian uint16 header
// length, a Python dict literal header padded with spaces and ending in '\n' so that the data
// starts at a multiple of 64 bytes, then the float32 values little-endian in C order.
//
// It stays instead of codeberg.org/sbinet/npyio v0.14.0, measured by scripts/bench/npyio (same
// header dict and data bytes from both): npyio writes a flat []float32 only as 1-D (a 4-D
// kernel needs a nested Go array built by reflection), takes 100 to 1000 times longer (a
// 128×128×3×3 kernel: 0.84 ms and 10 allocations here, 0.9 s and 2 million allocations with
// npyio; 1-D: 0.53 s), writes format 2.0 with the data at offset 84, not at a multiple of 64
// as the format asks, and would raise the module's gonum to v0.17.0.
func writeNPY(w io.Writer, t *checkpoint.Tensor) error {
	if t.Len() != len(t.Data) {
		return fmt.Errorf("shape %v holds %d values, the data %d", t.Shape, t.Len(), len(t.Data))
	}
	dims := make([]string, len(t.Shape))
	for i, d := range t.Shape {
		dims[i] = fmt.Sprint(d)
	}
	shape := "(" + strings.Join(dims, ", ")
	if len(dims) == 1 {
		shape += ","
	}
	shape += ")"
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': %s, }", shape)
	pre := len(npyMagic) + 2 + 2
	total := (pre + len(header) + 1 + 63) / 64 * 64
	header += strings.Repeat(" ", total-pre-len(header)-1) + "\n"
	if len(header) > math.MaxUint16 {
		return fmt.Errorf("npy header of %d bytes is too long for format 1.0", len(header))
	}
	buf := make([]byte, 0, total+4*len(t.Data))
	buf = append(buf, npyMagic...)
	buf = append(buf, 1, 0)
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(header)))
	buf = append(buf, header...)
	for _, v := range t.Data {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
	}
	_, err := w.Write(buf)
	return err
}
