package data

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeMNIST writes train (nTrain) and t10k (nTest) idx files of h×w images into dir; image i
// of a file has all pixels byte(i) and label i%10. Files are gzipped when gz is set.
func writeMNIST(t *testing.T, dir string, nTrain, nTest, h, w int, gz bool) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		prefix string
		n      int
	}{{"train", nTrain}, {"t10k", nTest}} {
		pix, lbl := make([]byte, 0, f.n*h*w), make([]byte, f.n)
		for i := 0; i < f.n; i++ {
			for j := 0; j < h*w; j++ {
				pix = append(pix, byte(i))
			}
			lbl[i] = byte(i % 10)
		}
		img, lab := idxBytes([]int{f.n, h, w}, pix), idxBytes([]int{f.n}, lbl)
		suffix := ""
		if gz {
			img, lab, suffix = gzipBytes(t, img), gzipBytes(t, lab), ".gz"
		}
		writeFile(t, filepath.Join(dir, f.prefix+"-images-idx3-ubyte"+suffix), img)
		writeFile(t, filepath.Join(dir, f.prefix+"-labels-idx1-ubyte"+suffix), lab)
	}
}

func TestLoadMNIST(t *testing.T) {
	for _, tt := range []struct {
		name, sub string
		gz        bool
	}{{"mnist", "mnist", true}, {"fashion-mnist", "fashion-mnist", false}} {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeMNIST(t, filepath.Join(root, tt.sub), 5012, 7, 2, 3, tt.gz)
			d, err := Load(context.Background(), tt.name, Options{Dir: root})
			if err != nil {
				t.Fatal(err)
			}
			if d.Train.Len() != 12 || d.Val.Len() != 5000 || d.Test.Len() != 7 {
				t.Fatalf("split sizes %d/%d/%d, want 12/5000/7", d.Train.Len(), d.Val.Len(), d.Test.Len())
			}
			if d.H != 2 || d.W != 3 || d.C != 1 || d.Classes != 10 || d.Augmentable || len(d.ClassNames) != 10 {
				t.Fatalf("got %s", d)
			}
			// Val holds the last 5,000 training examples: its first is example 12.
			if d.Val.Label(0) != 12%10 || d.Val.Image(0)[5] != 12 || d.Test.Image(6)[0] != 6 {
				t.Fatalf("split contents wrong: val label %d byte %d, test byte %d", d.Val.Label(0), d.Val.Image(0)[5], d.Test.Image(6)[0])
			}
		})
	}
}

func TestLoadMNISTMalformed(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(t *testing.T, dir string) string // returns the path the error must name
		want    error
		message string
	}{
		{"missing labels", func(t *testing.T, dir string) string {
			os.Remove(filepath.Join(dir, "t10k-labels-idx1-ubyte"))
			return "t10k-labels-idx1-ubyte.gz"
		}, ErrMissing, "neither"},
		{"label out of range", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "t10k-labels-idx1-ubyte")
			writeFile(t, p, idxBytes([]int{7}, []byte{0, 1, 2, 10, 4, 5, 6}))
			return p
		}, ErrMalformed, "label 10 of example 3"},
		{"count mismatch", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "t10k-labels-idx1-ubyte")
			writeFile(t, p, idxBytes([]int{6}, []byte{0, 1, 2, 3, 4, 5}))
			return p
		}, ErrMalformed, "holds 6 labels but t10k-images-idx3-ubyte holds 7 images"},
		{"test image size differs", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "t10k-images-idx3-ubyte")
			writeFile(t, p, idxBytes([]int{7, 3, 3}, make([]byte, 63)))
			return p
		}, ErrMalformed, "images are 3×3 but the training images are 2×3"},
		{"too few training examples", func(t *testing.T, dir string) string {
			writeMNIST(t, dir, 5000, 7, 2, 3, false)
			return filepath.Join(dir, "train-images-idx3-ubyte")
		}, ErrMalformed, "holds 5000 examples"},
		{"truncated gzip", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "train-images-idx3-ubyte")
			b, _ := os.ReadFile(p)
			gz := gzipBytes(t, b)
			os.Remove(p)
			writeFile(t, p+".gz", gz[:len(gz)/2])
			return p + ".gz"
		}, ErrMalformed, "truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "mnist")
			writeMNIST(t, dir, 5012, 7, 2, 3, false)
			path := tt.mutate(t, dir)
			_, err := Load(context.Background(), "mnist", Options{Dir: root})
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			for _, s := range []string{path, tt.message} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}
