package export

import (
	"strings"
	"testing"

	"evo/genome"
	"evo/train/data"
)

func TestONNXOptions(t *testing.T) {
	g := genome.Initial(genome.Shape{H: 8, W: 8, C: 1}, 10)
	info := Info{ID: "20260105T101530.123456789Z-0123456789ab", Experiment: "/tmp/exp", Dataset: "digits", Fitness: 0.25}
	o, err := ONNXOptions(g, info, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.Mean != nil || o.Std != nil || o.Metadata["evo.input"] != "normalised" {
		t.Errorf("without a data set: mean %v std %v input %q; want no normalisation", o.Mean, o.Std, o.Metadata["evo.input"])
	}
	if o.Metadata["evo.id"] != info.ID || o.Metadata["evo.fitness"] != "0.25" || !strings.Contains(o.Doc, "/tmp/exp") {
		t.Errorf("metadata %v, doc %q", o.Metadata, o.Doc)
	}
	if back, err := genome.Decode([]byte(o.Metadata["evo.genome"])); err != nil || back.Classes != 10 {
		t.Errorf("evo.genome does not decode to the genome: %v", err)
	}
	d := &data.Dataset{Mean: []float32{0.5}, Std: []float32{0.25}, ClassNames: []string{"zero"}}
	o, err = ONNXOptions(g, info, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Mean) != 1 || o.Std[0] != 0.25 || o.Metadata["evo.input"] != "pixels/255" ||
		o.Metadata["evo.input_mean"] != "[0.5]" || o.Metadata["evo.class_names"] != `["zero"]` {
		t.Errorf("with a data set: mean %v std %v metadata %v", o.Mean, o.Std, o.Metadata)
	}
}

func TestNormalisation(t *testing.T) {
	if s := Normalisation(nil); !strings.Contains(s, "--data DIR") {
		t.Errorf("without a data set: %q does not say how to add the constants", s)
	}
	d := &data.Dataset{Mean: []float32{0.5}, Std: []float32{0.25}}
	if s := Normalisation(d); !strings.Contains(s, "mean = [0.5], std = [0.25]") {
		t.Errorf("with a data set: %q lacks the constants", s)
	}
}
