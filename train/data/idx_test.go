package data

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadIdx(t *testing.T) {
	pix := bytes.Repeat([]byte{1, 2, 3, 4, 5, 6}, 4) // 2 images of 3×4
	good := idxBytes([]int{2, 3, 4}, pix)
	gz := gzipBytes(t, good)
	tests := []struct {
		name    string
		file    []byte
		dims    int
		message string // "" means success
	}{
		{"plain", good, 3, ""},
		{"gzip", gz, 3, ""},
		{"labels", idxBytes([]int{3}, []byte{7, 8, 9}), 1, ""},
		{"bad magic", append([]byte{0, 0, 0x09, 3}, good[4:]...), 3, "bad idx magic 00000903"},
		{"labels read as images", idxBytes([]int{3}, []byte{7, 8, 9}), 3, "bad idx magic 00000801"},
		{"short plain", good[:len(good)-1], 3, "has 39 bytes, want 40"},
		{"long plain", append(bytes.Clone(good), 0), 3, "has 41 bytes, want 40"},
		{"short header", good[:6], 3, "cannot read dimension"},
		{"empty", nil, 3, "cannot read the idx header"},
		{"huge header", idxBytes([]int{1 << 20, 1 << 10, 1 << 10}, nil), 3, "announces more than"},
		{"truncated gzip", gz[:len(gz)-12], 3, "truncated"},
		{"gzip missing trailer", gz[:len(gz)-4], 3, "corrupt or truncated gzip"},
		{"gzip with extra data", gzipBytes(t, append(bytes.Clone(good), 9)), 3, "has data after the 24 bytes"},
		{"gzip short payload", gzipBytes(t, good[:len(good)-3]), 3, "truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f-idx-ubyte")
			writeFile(t, path, tt.file)
			a, err := readIdx(path, tt.dims, "REMEDY")
			if tt.message == "" {
				if err != nil {
					t.Fatal(err)
				}
				want := tt.file
				if tt.name == "gzip" {
					want = good
				}
				if len(a.dims) != tt.dims || !bytes.Equal(a.data, want[4+4*tt.dims:]) {
					t.Fatalf("got dims %v data %v", a.dims, a.data)
				}
				return
			}
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v, want ErrMalformed", err)
			}
			for _, s := range []string{path, tt.message, "REMEDY"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}
