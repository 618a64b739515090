package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"reflect"
	"testing"
)

func TestWriteNPY(t *testing.T) {
	for _, shape := range [][]int{{}, {3}, {2, 3}, {4, 1, 3, 3}} {
		n := 1
		for _, d := range shape {
			n *= d
		}
		tensor := &Tensor{Shape: shape, Data: make([]float32, n)}
		for i := range tensor.Data {
			tensor.Data[i] = float32(i) - 0.5
		}
		var b bytes.Buffer
		if err := WriteNPY(&b, tensor); err != nil {
			t.Fatal(err)
		}
		got, err := ReadNPY(b.Bytes())
		if err != nil {
			t.Fatalf("shape %v: %v", shape, err)
		}
		if !reflect.DeepEqual(got.Shape, shape) && !(len(got.Shape) == 0 && len(shape) == 0) || !reflect.DeepEqual(got.Data, tensor.Data) {
			t.Errorf("shape %v: read back %v", shape, got.Shape)
		}
		if hl := int(binary.LittleEndian.Uint16(b.Bytes()[8:10])); (10+hl)%64 != 0 {
			t.Errorf("shape %v: data starts at %d, not a multiple of 64", shape, 10+hl)
		}
	}
	if err := WriteNPY(&bytes.Buffer{}, &Tensor{Shape: []int{2}, Data: []float32{1}}); err == nil {
		t.Error("WriteNPY accepted a tensor whose data does not fill its shape")
	}
}

func TestReadNPYRefuses(t *testing.T) {
	var good bytes.Buffer
	if err := WriteNPY(&good, &Tensor{Shape: []int{2}, Data: []float32{1, 2}}); err != nil {
		t.Fatal(err)
	}
	b := good.Bytes()
	for name, bad := range map[string][]byte{
		"empty":     nil,
		"magic":     append([]byte("XNUMPY"), b[6:]...),
		"short":     b[:len(b)-1],
		"long":      append(append([]byte{}, b...), 0),
		"truncated": b[:20],
	} {
		if _, err := ReadNPY(bad); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestNPYFiles(t *testing.T) {
	ck := &Checkpoint{Tensors: map[string]*Tensor{
		"e1.w":       {Shape: []int{2, 1, 1, 1}, Data: []float32{1, 2}},
		"v1.bn.mean": {Shape: []int{2}, Data: []float32{3, 4}},
	}}
	files, err := NPYFiles(ck)
	if err != nil {
		t.Fatal(err)
	}
	var index map[string]NPYIndexEntry
	if err := json.Unmarshal(files["index.json"], &index); err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || len(index) != 2 || !bytes.Contains(files["index.json"], []byte(`"<f4"`)) {
		t.Fatalf("files %d, index %v", len(files), index)
	}
	for id, want := range ck.Tensors {
		got, err := ReadNPY(files[index[id].File])
		if err != nil || !reflect.DeepEqual(got, want) || !reflect.DeepEqual(index[id].Shape, want.Shape) {
			t.Errorf("%s: %v %v", id, got, err)
		}
	}
}
