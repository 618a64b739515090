package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

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
	in, err := e.individual("best")
	if err != nil {
		t.Fatal(err)
	}
	orig, err := e.root.ReadFile(in.Meta.ID, "weights.safetensors", maxWeightsBytes)
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
	var index map[string]npyIndexEntry
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
		shape, data, err := parseNPY(nb)
		if err != nil {
			t.Errorf("%s: %v", ent.File, err)
			continue
		}
		if !reflect.DeepEqual(shape, tensor.Shape) || !reflect.DeepEqual(data, tensor.Data) {
			t.Errorf("%s: shape %v (want %v) or values differ", ent.File, shape, tensor.Shape)
		}
	}

	wantErr(t, []string{out, "not empty"}, "export", "--dir", fx.dir, "--data", fx.data, "-o", out, "best")
}

func TestWriteNPY(t *testing.T) {
	for _, shape := range [][]int{{}, {3}, {2, 3}, {4, 1, 3, 3}} {
		n := 1
		for _, d := range shape {
			n *= d
		}
		tensor := &checkpoint.Tensor{Shape: shape, Data: make([]float32, n)}
		for i := range tensor.Data {
			tensor.Data[i] = float32(i) - 0.5
		}
		var b bytes.Buffer
		if err := writeNPY(&b, tensor); err != nil {
			t.Fatal(err)
		}
		got, data, err := parseNPY(b.Bytes())
		if err != nil {
			t.Fatalf("shape %v: %v", shape, err)
		}
		if !reflect.DeepEqual(got, shape) && !(len(got) == 0 && len(shape) == 0) || !reflect.DeepEqual(data, tensor.Data) {
			t.Errorf("shape %v: read back %v", shape, got)
		}
		if hl := int(binary.LittleEndian.Uint16(b.Bytes()[8:10])); (10+hl)%64 != 0 {
			t.Errorf("shape %v: data starts at %d, not a multiple of 64", shape, 10+hl)
		}
	}
	if err := writeNPY(&bytes.Buffer{}, &checkpoint.Tensor{Shape: []int{2}, Data: []float32{1}}); err == nil {
		t.Error("writeNPY accepted a tensor whose data does not fill its shape")
	}
}

var npyHeader = regexp.MustCompile(`^\{'descr': '<f4', 'fortran_order': False, 'shape': \(([0-9, ]*)\), \} *\n$`)

// parseNPY reads a version 1.0 .npy file of little-endian float32 in C order, as numpy.load
// does: magic, version, header length, the header dict, then exactly the data.
func parseNPY(b []byte) ([]int, []float32, error) {
	if len(b) < 10 || string(b[:6]) != "\x93NUMPY" || b[6] != 1 || b[7] != 0 {
		return nil, nil, fmt.Errorf("not a version 1.0 .npy file")
	}
	hl := int(binary.LittleEndian.Uint16(b[8:10]))
	if len(b) < 10+hl {
		return nil, nil, fmt.Errorf("truncated header")
	}
	m := npyHeader.FindStringSubmatch(string(b[10 : 10+hl]))
	if m == nil {
		return nil, nil, fmt.Errorf("header %q", b[10:10+hl])
	}
	shape := []int{}
	n := 1
	for _, f := range strings.Split(m[1], ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		d, err := strconv.Atoi(f)
		if err != nil {
			return nil, nil, err
		}
		shape = append(shape, d)
		n *= d
	}
	body := b[10+hl:]
	if len(body) != 4*n {
		return nil, nil, fmt.Errorf("%d data bytes for shape %v", len(body), shape)
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:]))
	}
	return shape, data, nil
}

// testExportONNX: --format onnx writes the model train/onnx makes of the individual, with the
// data set's normalisation in the graph (or not, with --no-normalise) and its id in the metadata.
func testExportONNX(t *testing.T, fx *fixture) {
	dir := t.TempDir()
	out := filepath.Join(dir, "best.onnx")
	mustRun(t, "export", "--dir", fx.dir, "--data", fx.data, "--format", "onnx", "-o", out, "best")
	e := openTestExperiment(t, fx.dir)
	in, err := e.individual("best")
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := e.genomeOf(in)
	if err != nil {
		t.Fatal(err)
	}
	ck, err := e.weightsOf(in)
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
