// Package npyiobench measures evo's .npy writer (train/checkpoint's WriteNPY)
// against codeberg.org/sbinet/npyio, the library the export could use instead. It is its own
// module so that evo does not depend on npyio (which would also raise gonum to v0.17.0).
//
//	cd scripts/bench/npyio && go test -v -run TestSame -bench . -benchtime 20x
//
// TestSame checks that both write the same header dict and the same bytes of data and logs
// where the data starts; the benchmark times both on tensor shapes of evo's networks.
package npyiobench

import (
	"bytes"
	"encoding/binary"
	"io"
	"reflect"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"

	"evo/train/checkpoint"
)

// ours is evo's writer, train/checkpoint's WriteNPY: format 1.0, data at a multiple of 64.
func ours(w io.Writer, shape []int, data []float32) error {
	return checkpoint.WriteNPY(w, &checkpoint.Tensor{Shape: shape, Data: data})
}

// lib writes with npyio: a flat []float32 is 1-D, so an N-D tensor becomes a nested Go array
// of its shape built with reflect (npyio discovers the shape from the array type).
func lib(w io.Writer, shape []int, data []float32) error {
	if len(shape) <= 1 {
		return npyio.Write(w, data)
	}
	t := reflect.TypeOf(float32(0))
	for i := len(shape) - 1; i >= 0; i-- {
		t = reflect.ArrayOf(shape[i], t)
	}
	v := reflect.New(t).Elem()
	flat := reflect.NewAt(reflect.ArrayOf(len(data), reflect.TypeOf(float32(0))), v.Addr().UnsafePointer()).Elem()
	reflect.Copy(flat, reflect.ValueOf(data))
	return npyio.Write(w, v.Interface())
}

var cases = []struct {
	name  string
	shape []int
}{
	{"bn-128", []int{128}},
	{"head-128x10", []int{128, 10}},
	{"conv-128x128x3x3", []int{128, 128, 3, 3}},
	{"conv-256x256x5x5", []int{256, 256, 5, 5}},
}

func data(shape []int) []float32 {
	n := 1
	for _, d := range shape {
		n *= d
	}
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i) * 0.5
	}
	return x
}

func TestSame(t *testing.T) {
	for _, c := range cases {
		var a, b bytes.Buffer
		d := data(c.shape)
		if err := ours(&a, c.shape, d); err != nil {
			t.Fatal(err)
		}
		if err := lib(&b, c.shape, d); err != nil {
			t.Fatal(err)
		}
		ha := 10 + int(binary.LittleEndian.Uint16(a.Bytes()[8:]))
		hb, hs := 10+int(binary.LittleEndian.Uint16(b.Bytes()[8:])), 10
		if b.Bytes()[6] == 2 {
			hb, hs = 12+int(binary.LittleEndian.Uint32(b.Bytes()[8:])), 12
		}
		if !bytes.Equal(a.Bytes()[ha:], b.Bytes()[hb:]) || ha%64 != 0 {
			t.Errorf("%s: the data differ, or ours is not 64-byte aligned", c.name)
		}
		t.Logf("%-18s ours: %d bytes, data at offset %d (mod 64 = %d); npyio: %d bytes, data at %d (mod 64 = %d, mod 16 = %d); same data: %v; headers %q vs %q",
			c.name, a.Len(), ha, ha%64, b.Len(), hb, hb%64, hb%16, bytes.Equal(a.Bytes()[ha:], b.Bytes()[hb:]),
			strings.TrimSpace(string(a.Bytes()[10:ha])), strings.TrimSpace(string(b.Bytes()[hs:hb])))
		t.Logf("npyio format version %d.%d", b.Bytes()[6], b.Bytes()[7])
	}
}

func BenchmarkWrite(b *testing.B) {
	for _, c := range cases {
		d := data(c.shape)
		for _, f := range []struct {
			name string
			fn   func(io.Writer, []int, []float32) error
		}{{"ours", ours}, {"npyio", lib}, {"npyio-flat-1d", func(w io.Writer, _ []int, d []float32) error { return npyio.Write(w, d) }}} {
			b.Run(c.name+"/"+f.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(4 * len(d)))
				for b.Loop() {
					if err := f.fn(io.Discard, c.shape, d); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
