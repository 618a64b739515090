package data

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLoadCIFARSmall(t *testing.T) {
	tests := []struct {
		name   string
		layout cifarLayout
		names  string // contents of the names file; "" leaves it absent
		want   []string
	}{
		{"cifar10 with meta", smallLayout(cifar10Layout, 60, 10, 20),
			"a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n", []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}},
		{"cifar10 default names", smallLayout(cifar10Layout, 60, 10, 20), "", cifar10Layout.fallback},
		{"cifar100 fine labels", smallLayout(cifar100Layout, 250, 50, 30), "", cifar100FineNames},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.layout
			dir := writeCIFAR(t, t.TempDir(), l)
			if tt.names != "" {
				writeFile(t, filepath.Join(dir, l.namesFile), []byte(tt.names))
			}
			d, err := loadCIFAR(context.Background(), dir, l)
			if err != nil {
				t.Fatal(err)
			}
			if d.Train.Len() != l.trainN-l.valN || d.Val.Len() != l.valN || d.Test.Len() != l.testN {
				t.Fatalf("split sizes %d/%d/%d, want %d/%d/%d", d.Train.Len(), d.Val.Len(), d.Test.Len(), l.trainN-l.valN, l.valN, l.testN)
			}
			if d.H != 32 || d.W != 32 || d.C != 3 || d.Classes != l.classes || !d.Augmentable {
				t.Fatalf("shape %d×%d×%d classes %d augmentable %v", d.H, d.W, d.C, d.Classes, d.Augmentable)
			}
			if !slices.Equal(d.ClassNames, tt.want) {
				t.Fatalf("class names %v, want %v", d.ClassNames, tt.want)
			}
			// Train holds global records 0..trainN-valN-1 in order, Val the last valN.
			check := func(s *Split, first int) {
				for i := 0; i < s.Len(); i++ {
					g := first + i
					if s.Label(i) != g%l.classes {
						t.Fatalf("record %d: label %d, want %d", g, s.Label(i), g%l.classes)
					}
					img := s.Image(i)
					for _, j := range []int{0, 1023, 1024, 2048, 3071} {
						if img[j] != cifarPixel(g, j) {
							t.Fatalf("record %d byte %d: %d, want %d", g, j, img[j], cifarPixel(g, j))
						}
					}
				}
			}
			check(d.Train, 0)
			check(d.Val, l.trainN-l.valN)
			check(d.Test, 1_000_000)
		})
	}
}

func TestLoadCIFARMalformed(t *testing.T) {
	l10 := smallLayout(cifar10Layout, 60, 10, 20)
	l100 := smallLayout(cifar100Layout, 40, 10, 10)
	rec10, rec100 := 1+cifarImage, 2+cifarImage
	tests := []struct {
		name    string
		layout  cifarLayout
		file    string
		mutate  func(b []byte) []byte // nil removes the file
		want    error
		message string
	}{
		{"short file", l10, "data_batch_3.bin", func(b []byte) []byte { return b[:len(b)-1] }, ErrMalformed, "want 36876"},
		{"long file", l10, "test_batch.bin", func(b []byte) []byte { return append(b, 0) }, ErrMalformed, "has 61461 bytes"},
		{"label out of range", l10, "data_batch_2.bin", func(b []byte) []byte { b[2*rec10] = 10; return b }, ErrMalformed, "record 2 has label 10"},
		{"fine label out of range", l100, "train.bin", func(b []byte) []byte { b[3*rec100+1] = 100; return b }, ErrMalformed, "record 3 has label 100"},
		{"coarse label out of range", l100, "test.bin", func(b []byte) []byte { b[0] = 20; return b }, ErrMalformed, "coarse label 20"},
		{"missing batch", l10, "data_batch_5.bin", nil, ErrMissing, "data_batch_5.bin is missing"},
		{"bad names file", l10, "batches.meta.txt", func([]byte) []byte { return []byte("cat\ndog\n") }, ErrMalformed, "lists 2 class names, want 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeCIFAR(t, t.TempDir(), tt.layout)
			path := filepath.Join(dir, tt.file)
			if tt.mutate == nil {
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
			} else {
				b, _ := os.ReadFile(path) // the names file does not exist yet: nil
				writeFile(t, path, tt.mutate(b))
			}
			_, err := loadCIFAR(context.Background(), dir, tt.layout)
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

func TestCIFAR100NamesOrdered(t *testing.T) {
	if len(cifar100FineNames) != 100 || !slices.IsSorted(cifar100FineNames) || len(slices.Compact(slices.Clone(cifar100FineNames))) != 100 {
		t.Fatalf("CIFAR-100 fine names must be 100 distinct names in alphabetical (label) order")
	}
}

func TestLoadCIFARCancelled(t *testing.T) {
	l := smallLayout(cifar10Layout, 60, 10, 20)
	dir := writeCIFAR(t, t.TempDir(), l)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := loadCIFAR(ctx, dir, l); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}
