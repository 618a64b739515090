package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"evo/cmd/evo/internal/experiment"
	"evo/genome"
	"evo/train/checkpoint"
	"evo/train/onnx"
)

func testExport(t *testing.T, fx *fixture) {
	out := filepath.Join(t.TempDir(), "best")
	mustRun(t, "export", "--dir", fx.dir, "--data", fx.data, "-o", out, "--npy", "best")
	for _, name := range []string{"genome.json", "genome.dot", "architecture.svg", "weights.safetensors", "individual.json", "README.txt", "npy/index.json"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("export: %v", err)
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "weights.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	ck, err := checkpoint.Read(bytes.NewReader(b), checkpoint.Limits{})
	if err != nil {
		t.Fatalf("exported weights: %v", err)
	}
	// The export is the individual's own checkpoint and genome.
	e := openTestExperiment(t, fx.dir)
	in, err := e.Individual("best")
	if err != nil {
		t.Fatal(err)
	}
	orig, err := e.Root.ReadFile(in.Meta.ID, "weights.safetensors", experiment.MaxWeightsBytes)
	if err != nil || !bytes.Equal(orig, b) {
		t.Errorf("exported weights.safetensors differs from the individual's (%v)", err)
	}
	gb, _ := os.ReadFile(filepath.Join(out, "genome.json"))
	g, err := genome.Decode(gb)
	if err != nil || genome.ArchHash(g) != in.Meta.ArchHash {
		t.Errorf("exported genome.json: %v", err)
	}
	specs, _ := g.Tensors()
	if len(specs) != len(ck.Tensors) {
		t.Errorf("exported checkpoint has %d tensors, the genome %d", len(ck.Tensors), len(specs))
	}
	svg, _ := os.ReadFile(filepath.Join(out, "architecture.svg"))
	if err := wellFormedXML(svg); err != nil {
		t.Errorf("architecture.svg: %v", err)
	}
	readme, _ := os.ReadFile(filepath.Join(out, "README.txt"))
	if !bytes.Contains(readme, []byte("np.frombuffer")) || !bytes.Contains(readme, []byte(in.Meta.ID)) ||
		!bytes.Contains(readme, []byte("mean = [")) {
		t.Errorf("README.txt lacks the numpy snippet, the id or the normalisation:\n%s", readme)
	}

	// One .npy per tensor, with the tensor's shape and values.
	ib, err := os.ReadFile(filepath.Join(out, "npy", "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var index map[string]checkpoint.NPYIndexEntry
	if err := json.Unmarshal(ib, &index); err != nil {
		t.Fatal(err)
	}
	if len(index) != len(ck.Tensors) {
		t.Errorf("index.json lists %d tensors, the checkpoint has %d", len(index), len(ck.Tensors))
	}
	for id, tensor := range ck.Tensors {
		ent, ok := index[id]
		if !ok || ent.DType != "<f4" || !reflect.DeepEqual(ent.Shape, tensor.Shape) {
			t.Errorf("index.json entry of %s: %+v", id, ent)
			continue
		}
		nb, err := os.ReadFile(filepath.Join(out, "npy", ent.File))
		if err != nil {
			t.Fatal(err)
		}
		arr, err := checkpoint.ReadNPY(nb)
		if err != nil {
			t.Errorf("%s: %v", ent.File, err)
			continue
		}
		if !reflect.DeepEqual(arr.Shape, tensor.Shape) || !reflect.DeepEqual(arr.Data, tensor.Data) {
			t.Errorf("%s: shape %v (want %v) or values differ", ent.File, arr.Shape, tensor.Shape)
		}
	}

	wantErr(t, []string{out, "not empty"}, "export", "--dir", fx.dir, "--data", fx.data, "-o", out, "best")
}

// testExportONNX: --format onnx writes the model train/onnx makes of the individual, with the
// data set's normalisation in the graph (or not, with --no-normalise) and its id in the metadata.
func testExportONNX(t *testing.T, fx *fixture) {
	dir := t.TempDir()
	out := filepath.Join(dir, "best.onnx")
	mustRun(t, "export", "--dir", fx.dir, "--data", fx.data, "--format", "onnx", "-o", out, "best")
	e := openTestExperiment(t, fx.dir)
	in, err := e.Individual("best")
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := e.Genome(in)
	if err != nil {
		t.Fatal(err)
	}
	ck, err := e.Weights(in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	bare, err := onnx.Marshal(g, ck, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The file holds the individual's id, the normalisation's nodes and constants, and the head.
	for _, want := range [][]byte{[]byte(in.Meta.ID), []byte("input.normalised"), []byte("evo.input_mean"), []byte(g.HeadID + ".gemm")} {
		if !bytes.Contains(b, want) {
			t.Errorf("%s lacks %q", out, want)
		}
	}
	if len(b) < len(bare) {
		t.Errorf("%s has %d bytes, the graph alone %d", out, len(b), len(bare))
	}
	plain := filepath.Join(dir, "plain.onnx")
	mustRun(t, "export", "--dir", fx.dir, "--format", "onnx", "--no-normalise", "-o", plain, "best")
	if p, _ := os.ReadFile(plain); bytes.Contains(p, []byte("input.normalised")) {
		t.Errorf("--no-normalise: the graph still normalises")
	}
	wantErr(t, []string{out, "exists"}, "export", "--dir", fx.dir, "--data", fx.data, "--format", "onnx", "-o", out, "best")
	wantErr(t, []string{"--format", "dir or onnx"}, "export", "--dir", fx.dir, "--format", "tflite", "best")
}
