package checkpoint

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func sample() *Checkpoint {
	c := New()
	c.Tensors["e2.w"] = &Tensor{Shape: []int{2, 1, 3, 1}, Data: []float32{1, -2, 3.5, 0, float32(math.Inf(1)), -0.25}}
	c.Tensors["v1.bn.mean"] = &Tensor{Shape: []int{2}, Data: []float32{float32(math.Copysign(0, -1)), math.Float32frombits(0x7fc00123)}}
	c.Tensors["h3.b"] = &Tensor{Shape: []int{3}, Data: []float32{0.1, 0.2, 0.3}}
	c.Tensors["scalar"] = &Tensor{Shape: []int{}, Data: []float32{42}}
	c.Meta["genome_hash"] = "abc"
	return c
}

func encode(t *testing.T, c *Checkpoint) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, c); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRoundTripBitExact(t *testing.T) {
	c := sample()
	b := encode(t, c)
	got, err := Read(bytes.NewReader(b), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Tensors) != len(c.Tensors) || got.Meta["genome_hash"] != "abc" || len(got.Meta) != 1 {
		t.Fatalf("got %d tensors, meta %v", len(got.Tensors), got.Meta)
	}
	for id, want := range c.Tensors {
		g := got.Tensors[id]
		if g == nil || len(g.Shape) != len(want.Shape) || len(g.Data) != len(want.Data) {
			t.Fatalf("%s: got %+v want %+v", id, g, want)
		}
		for i := range want.Data {
			if math.Float32bits(g.Data[i]) != math.Float32bits(want.Data[i]) {
				t.Errorf("%s[%d]: bits %08x, want %08x", id, i, math.Float32bits(g.Data[i]), math.Float32bits(want.Data[i]))
			}
		}
	}
	if b2 := encode(t, got); !bytes.Equal(b, b2) {
		t.Error("re-encoding a decoded checkpoint changed its bytes: the encoding is not canonical")
	}
	if (len(b)-8-int(binary.LittleEndian.Uint64(b)))%4 != 0 || binary.LittleEndian.Uint64(b)%8 != 0 {
		t.Error("header not padded to a multiple of 8")
	}
}

func TestWriteRejects(t *testing.T) {
	for name, c := range map[string]*Checkpoint{
		"shape mismatch": {Tensors: map[string]*Tensor{"a": {Shape: []int{2}, Data: []float32{1}}}},
		"negative dim":   {Tensors: map[string]*Tensor{"a": {Shape: []int{-1}, Data: nil}}},
		"reserved id":    {Tensors: map[string]*Tensor{"__metadata__": {Shape: []int{1}, Data: []float32{1}}}},
		"reserved meta":  {Tensors: map[string]*Tensor{}, Meta: map[string]string{"sha256": "x"}},
	} {
		if err := Write(&bytes.Buffer{}, c); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err %v, want ErrFormat", name, err)
		}
	}
}

func TestTruncatedAtEveryOffset(t *testing.T) {
	b := encode(t, sample())
	for n := 0; n < len(b); n++ {
		_, err := Read(bytes.NewReader(b[:n]), Limits{})
		if err == nil {
			t.Fatalf("prefix of %d/%d bytes accepted", n, len(b))
		}
		if n >= 8+int(binary.LittleEndian.Uint64(b)) && !errors.Is(err, ErrTruncated) {
			t.Fatalf("prefix of %d bytes: %v, want ErrTruncated", n, err)
		}
	}
}

// rewrite replaces the header of an encoded checkpoint, keeping its data.
func rewrite(b []byte, header string) []byte {
	n := binary.LittleEndian.Uint64(b)
	out := make([]byte, 8, 8+len(header)+len(b))
	binary.LittleEndian.PutUint64(out, uint64(len(header)))
	out = append(out, header...)
	return append(out, b[8+n:]...)
}

func header(b []byte) string { return string(b[8 : 8+binary.LittleEndian.Uint64(b)]) }

func TestReadRejects(t *testing.T) {
	one := New()
	one.Tensors["a"] = &Tensor{Shape: []int{2}, Data: []float32{1, 2}}
	one.Tensors["b"] = &Tensor{Shape: []int{1}, Data: []float32{3}}
	b := encode(t, one)
	h := header(b)
	flipped := append([]byte(nil), b...)
	flipped[len(flipped)-1] ^= 1
	huge := append([]byte(nil), b...)
	binary.LittleEndian.PutUint64(huge, 1<<62)
	cases := []struct {
		name string
		in   []byte
		want error
		msg  string
	}{
		{"flipped data bit", flipped, ErrChecksum, "checksum"},
		{"huge header", huge, ErrTooLarge, "header"},
		{"trailing garbage", append(append([]byte(nil), b...), 0), ErrFormat, "trailing"},
		{"bad dtype", rewrite(b, strings.Replace(h, `"F32"`, `"F16"`, 1)), ErrFormat, "dtype"},
		{"overlap", rewrite(b, strings.Replace(h, `"data_offsets":[8,12]`, `"data_offsets":[4,8]`, 1)), ErrFormat, "data_offsets"},
		{"shape/offset mismatch", rewrite(b, strings.Replace(h, `"shape":[1]`, `"shape":[2]`, 1)), ErrFormat, "needs"},
		{"duplicate key", rewrite(b, strings.Replace(h, `"b":`, `"a":`, 1)), ErrFormat, "duplicate"},
		{"unknown field", rewrite(b, strings.Replace(h, `"dtype"`, `"extra":1,"dtype"`, 1)), ErrFormat, "unknown field"},
		{"not evo", rewrite(b, strings.Replace(h, Format, "other", 1)), ErrFormat, "format"},
		{"future version", rewrite(b, strings.Replace(h, `"format_version":"1"`, `"format_version":"9"`, 1)), ErrFormat, "format_version"},
		{"not json", rewrite(b, "[1,2]   "), ErrFormat, "JSON object"},
	}
	for _, c := range cases {
		_, err := Read(bytes.NewReader(c.in), Limits{})
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: err %v, want %v mentioning %q", c.name, err, c.want, c.msg)
		}
	}
	if _, err := Read(bytes.NewReader(b), Limits{MaxBytes: int64(len(b) - 1)}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxBytes: err %v, want ErrTooLarge", err)
	}
	if _, err := Read(bytes.NewReader(b), Limits{MaxTensors: 1}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxTensors: err %v, want ErrTooLarge", err)
	}
}

// TestReadNumpyWritten checks the format is open: a file written by plain numpy (no safetensors
// package, no evo) reads back, and a file evo writes is read by plain numpy.
func TestReadNumpyWritten(t *testing.T) {
	py := ""
	for _, cand := range []string{"/usr/bin/python3", "python3"} {
		if p, err := exec.LookPath(cand); err == nil && exec.Command(p, "-c", "import numpy").Run() == nil {
			py = p
			break
		}
	}
	if py == "" {
		t.Skip("no python3 with numpy (Debian: apt-get install python3-numpy)")
	}
	dir := t.TempDir()
	evoFile := filepath.Join(dir, "evo.safetensors")
	if err := os.WriteFile(evoFile, encode(t, sample()), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `
import hashlib, json, struct, sys
import numpy as np
b = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", b[:8])[0]; head = json.loads(b[8:8+n]); data = b[8+n:]
w = np.frombuffer(data[head["e2.w"]["data_offsets"][0]:head["e2.w"]["data_offsets"][1]], "<f4").reshape(head["e2.w"]["shape"])
assert w.shape == (2, 1, 3, 1) and w[0, 0, 2, 0] == 3.5, w
t = np.arange(6, dtype="<f4").reshape(2, 3)
raw = t.tobytes()
meta = {"format": "evo-checkpoint", "format_version": "1", "sha256": hashlib.sha256(raw).hexdigest()}
hdr = json.dumps({"__metadata__": meta, "x.w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, len(raw)]}}).encode()
open(sys.argv[2], "wb").write(struct.pack("<Q", len(hdr)) + hdr + raw)
`
	pyFile := filepath.Join(dir, "np.safetensors")
	if out, err := exec.Command(py, "-c", script, evoFile, pyFile).CombinedOutput(); err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	f, err := os.Open(pyFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := Read(f, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	x := c.Tensors["x.w"]
	if x == nil || len(x.Shape) != 2 || x.Shape[1] != 3 || x.Data[5] != 5 {
		t.Fatalf("numpy tensor read as %+v", x)
	}
}

// FuzzRead: whatever Read accepts re-encodes canonically, and the canonical bytes are a fixed
// point of Read then Write with every value bit-exact.
func FuzzRead(f *testing.F) {
	var b bytes.Buffer
	Write(&b, sample())
	f.Add(b.Bytes())
	f.Add([]byte{})
	f.Add([]byte("\x08\x00\x00\x00\x00\x00\x00\x00{}      "))
	h := header(b.Bytes())
	f.Add(rewrite(b.Bytes(), strings.Replace(h, `"shape":[3],"data_offsets":[0,12]`, `"shape":[2305843009213693951],"data_offsets":[4,-9223372036854775808]`, 1)))
	f.Add(rewrite(b.Bytes(), strings.Replace(h, `"dtype"`, `"dtype":"F32","dtype"`, 1)))
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := Read(bytes.NewReader(in), Limits{MaxBytes: 1 << 20})
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := Write(&out, c); err != nil {
			t.Fatalf("decoded checkpoint does not re-encode: %v", err)
		}
		c2, err := Read(bytes.NewReader(out.Bytes()), Limits{})
		if err != nil {
			t.Fatalf("re-encoded checkpoint does not decode: %v", err)
		}
		if len(c2.Tensors) != len(c.Tensors) || len(c2.Meta) != len(c.Meta) {
			t.Fatal("round trip changed the tensor or metadata count")
		}
		for id, want := range c.Tensors {
			got := c2.Tensors[id]
			if got == nil || !slices.Equal(got.Shape, want.Shape) || len(got.Data) != len(want.Data) {
				t.Fatalf("%s: round trip changed the tensor", id)
			}
			for i := range want.Data {
				if math.Float32bits(got.Data[i]) != math.Float32bits(want.Data[i]) {
					t.Fatalf("%s[%d]: bits changed", id, i)
				}
			}
		}
		var again bytes.Buffer
		if err := Write(&again, c2); err != nil || !bytes.Equal(again.Bytes(), out.Bytes()) {
			t.Fatalf("canonical encoding is not a fixed point (err %v)", err)
		}
	})
}
