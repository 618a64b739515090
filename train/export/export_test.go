package export

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"evo/genome"
	"evo/train/checkpoint"
)

func TestFilesAndWriteDir(t *testing.T) {
	g := genome.Initial(genome.Shape{H: 8, W: 8, C: 1}, 10)
	ck := &checkpoint.Checkpoint{Tensors: map[string]*checkpoint.Tensor{
		"h.b": {Shape: []int{10}, Data: make([]float32, 10)},
	}}
	info := Info{ID: "20260105T101530.123456789Z-0123456789ab", Experiment: "/tmp/exp", Dataset: "digits",
		Fitness: 0.5, Generation: 3, Steps: 40, LearningRate: 0.1, Normalisation: "as trained.\n",
		Record: []byte(`{"meta": {}}`)}
	files, err := Files(g, ck, info, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"genome.json", "genome.dot", "architecture.svg", "weights.safetensors",
		"individual.json", "README.txt", filepath.Join("npy", "index.json"), filepath.Join("npy", "h.b.npy")} {
		if len(files[name]) == 0 {
			t.Errorf("no %s", name)
		}
	}
	readme := string(files["README.txt"])
	for _, want := range []string{info.ID, "/tmp/exp", "digits", "np.frombuffer", "as trained.", "1×8×8, 10 classes"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README.txt lacks %q:\n%s", want, readme)
		}
	}
	ck2, err := checkpoint.Read(bytes.NewReader(files["weights.safetensors"]), checkpoint.Limits{})
	if err != nil || len(ck2.Tensors) != 1 {
		t.Errorf("weights.safetensors: %v", err)
	}

	dir := filepath.Join(t.TempDir(), "out")
	if err := WriteDir(dir, files); err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := WriteDir(dir, files); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("a second export into the same directory: %v", err)
	}
	empty := t.TempDir()
	if err := WriteDir(empty, map[string][]byte{"a": []byte("x")}); err != nil {
		t.Errorf("an existing empty directory: %v", err)
	}
}
