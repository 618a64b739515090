package checkpoint

import (
	"bytes"
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// TestReadRejectsHeaderTricks covers JSON that encoding/json alone would accept or misread.
func TestReadRejectsHeaderTricks(t *testing.T) {
	two := New()
	two.Tensors["a"] = &Tensor{Shape: []int{1}, Data: []float32{1}}
	two.Tensors["b"] = &Tensor{Shape: []int{1}, Data: []float32{2}}
	two.Meta["k"] = "v"
	b := encode(t, two)
	h := header(b)
	cases := []struct {
		name, from, to string
		want           error
		msg            string
	}{
		{"duplicate metadata key", `"k":"v"`, `"k":"v","k":"w"`, ErrFormat, `duplicate key "k"`},
		{"duplicate field", `"dtype":"F32"`, `"dtype":"F32","dtype":"F32"`, ErrFormat, `duplicate key "dtype"`},
		{"escaped duplicate tensor", `"b":`, `"\u0061":`, ErrFormat, `duplicate key "a"`},
		{"case-folded field", `"dtype"`, `"DTYPE"`, ErrFormat, `missing field "dtype"`},
		{"three offsets", `"data_offsets":[4,8]`, `"data_offsets":[4,8,12]`, ErrFormat, "[begin, end]"},
		{"one offset", `"data_offsets":[4,8]`, `"data_offsets":[4]`, ErrFormat, "[begin, end]"},
		{"null shape", `"shape":[1]`, `"shape":null`, ErrFormat, `field "shape"`},
		{"fractional dim", `"shape":[1]`, `"shape":[1.5]`, ErrFormat, `field "shape"`},
		{"negative dim", `"shape":[1]`, `"shape":[-1]`, ErrFormat, "dimensions must be"},
		{"end before begin", `"data_offsets":[4,8]`, `"data_offsets":[8,4]`, ErrFormat, "begin ≤ end"},
		// end - begin wraps around int64 to exactly 4·(2^61-1): without the begin ≤ end check the
		// data length would come out negative.
		{"wrapping offsets", `"shape":[1],"data_offsets":[4,8]`, `"shape":[2305843009213693951],"data_offsets":[4,-9223372036854775808]`, ErrFormat, "begin ≤ end"},
		{"gap", `"data_offsets":[4,8]`, `"data_offsets":[8,12]`, ErrFormat, "gap or overlap"},
		{"no checksum", `"sha256":`, `"sha257":`, ErrFormat, "no sha256"},
		{"metadata not strings", `"k":"v"`, `"k":1`, ErrFormat, "strings to strings"},
		{"no metadata", `"__metadata__"`, `"__metadata_x"`, ErrFormat, "no __metadata__"},
		{"second JSON value", `}}`, `}}{}`, ErrFormat, "JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(h, c.from) {
				t.Fatalf("header %s lacks %s", h, c.from)
			}
			in := rewrite(b, strings.Replace(h, c.from, c.to, 1))
			_, err := Read(bytes.NewReader(in), Limits{})
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("err %v, want %v mentioning %q", err, c.want, c.msg)
			}
		})
	}
}

// TestReadHugeClaimCostsLittle: a short file that announces gigabytes must fail as truncated
// without allocating what it announces.
func TestReadHugeClaimCostsLittle(t *testing.T) {
	one := New()
	one.Tensors["a"] = &Tensor{Shape: []int{1}, Data: []float32{1}}
	h := header(encode(t, one))
	const elems = 750_000_000 // 3 GB of float32, under DefaultMaxBytes
	in := rewrite(encode(t, one), strings.Replace(h, `"shape":[1],"data_offsets":[0,4]`, `"shape":[750000000],"data_offsets":[0,3000000000]`, 1))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Read(bytes.NewReader(in), Limits{})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), "header says 3000000000 bytes of tensor data, got 4") {
		t.Fatalf("err %v, want ErrTruncated naming both sizes", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
		t.Fatalf("reading a %d-byte file that claims %d values allocated %d bytes", len(in), elems, got)
	}
	if _, err := Read(bytes.NewReader(in), Limits{MaxBytes: 1 << 20}); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "MaxBytes") {
		t.Fatalf("with a 1 MiB limit: err %v, want ErrTooLarge naming Limits.MaxBytes", err)
	}
}

func TestReadHeaderLimits(t *testing.T) {
	b := encode(t, sample())
	hlen := int(binary.LittleEndian.Uint64(b))
	if _, err := Read(bytes.NewReader(b), Limits{MaxHeader: hlen - 1}); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "MaxHeader") {
		t.Errorf("MaxHeader one short: err %v, want ErrTooLarge naming Limits.MaxHeader", err)
	}
	if _, err := Read(bytes.NewReader(b), Limits{MaxHeader: hlen}); err != nil {
		t.Errorf("MaxHeader exact: %v", err)
	}
	if _, err := Read(bytes.NewReader(b), Limits{MaxBytes: int64(len(b))}); err != nil {
		t.Errorf("MaxBytes exact: %v", err)
	}
	if _, err := Read(bytes.NewReader(b), Limits{MaxTensors: len(sample().Tensors)}); err != nil {
		t.Errorf("MaxTensors exact: %v", err)
	}
}

type failWriter struct{ after int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after < len(p) {
		return 0, errors.New("disk full")
	}
	f.after -= len(p)
	return len(p), nil
}

func TestWriteReportsWriterErrors(t *testing.T) {
	big := New()
	big.Tensors["w"] = &Tensor{Shape: []int{1 << 16}, Data: make([]float32, 1<<16)}
	n := len(encode(t, big))
	for _, after := range []int{0, 8, n / 2, n - 1} {
		if err := Write(&failWriter{after: after}, big); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("writer failing after %d of %d bytes: err %v", after, n, err)
		}
	}
	if err := Write(&failWriter{after: n}, big); err != nil {
		t.Errorf("writer with room for exactly %d bytes: %v", n, err)
	}
	if err := Write(&bytes.Buffer{}, nil); !errors.Is(err, ErrFormat) {
		t.Errorf("nil checkpoint: err %v", err)
	}
}
