// Package export writes an evolved individual as a directory of files in open formats, for
// people and tools outside evo: its genome (JSON, Graphviz DOT, an SVG drawing), its weights
// (safetensors, and optionally one .npy file per tensor), its record and a README.txt that says
// how to load them with numpy.
package export

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"evo/genome"
	"evo/genome/draw"
	"evo/train/checkpoint"
)

// Info is what README.txt says about the individual besides its genome and weights.
type Info struct {
	ID           string
	Experiment   string // the experiment directory
	Dataset      string
	Fitness      float64
	Generation   int
	Steps        int
	LearningRate float64
	// Normalisation says how inputs are normalised; it ends README.txt's "Inputs:" line.
	Normalisation string
	// Record is the individual's record as JSON, written as individual.json.
	Record []byte
}

// Files returns the files of an export by their path in the export directory: genome.json,
// genome.dot, architecture.svg, weights.safetensors, individual.json and README.txt, and with
// npy npy/<tensor>.npy per tensor and npy/index.json. Tensor ids become file names: the
// caller checks that they are safe ones.
func Files(g *genome.Genome, ck *checkpoint.Checkpoint, info Info, npy bool) (map[string][]byte, error) {
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
	if err := draw.SVG(&svg, g); err != nil {
		return nil, err
	}
	files["architecture.svg"] = svg.Bytes()
	var w bytes.Buffer
	if err := checkpoint.Write(&w, ck); err != nil {
		return nil, err
	}
	files["weights.safetensors"] = w.Bytes()
	files["individual.json"] = append(bytes.TrimRight(info.Record, "\n"), '\n')
	files["README.txt"] = []byte(readme(info, g, ck))
	if npy {
		arrays, err := checkpoint.NPYFiles(ck)
		if err != nil {
			return nil, err
		}
		for name, b := range arrays {
			files[filepath.Join("npy", name)] = b
		}
	}
	return files, nil
}

// WriteDir writes files into dir, which is created, or must be empty when it exists.
func WriteDir(dir string, files map[string][]byte) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	case err != nil:
		return fmt.Errorf("export to %s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("export to %s: the directory is not empty: give a new directory with -o", dir)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	return nil
}

func readme(info Info, g *genome.Genome, ck *checkpoint.Checkpoint) string {
	var b strings.Builder
	fmt.Fprintf(&b, "evo individual %s\n\n", info.ID)
	fmt.Fprintf(&b, "Evolved by evo (Real et al., \"Large-Scale Evolution of Image Classifiers\", ICML 2017)\n")
	fmt.Fprintf(&b, "in the experiment %s on the %s data set.\n", info.Experiment, info.Dataset)
	fmt.Fprintf(&b, "Validation accuracy %.4f, generation %d, %d parameters, %d SGD steps, learning rate %g.\n\n",
		info.Fitness, info.Generation, ck.Params(), info.Steps, info.LearningRate)
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
`, g.Input.C, g.Input.H, g.Input.W, g.Classes, info.Normalisation)
	b.WriteString(`
With --npy, npy/ holds one file per tensor (numpy.load("npy/e3.w.npy")) and npy/index.json
maps each tensor id to its file, shape and dtype.

For an ONNX model of the same network (onnxruntime runs it):
  evo export --format onnx ID -o model.onnx
`)
	return b.String()
}
