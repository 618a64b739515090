package data

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// smallLayout shrinks a CIFAR layout so that tests write kilobytes, not 180 MB.
func smallLayout(l cifarLayout, trainN, valN, testN int) cifarLayout {
	l.trainN, l.valN, l.testN = trainN, valN, testN
	return l
}

// cifarPixel is the synthetic value of byte j of the image of global record g.
func cifarPixel(g, j int) uint8 { return uint8((g*31 + j*7 + j/1024*13) % 256) }

// cifarRecords returns n CIFAR records starting at global index first. Fine labels are
// g % classes; CIFAR-100 coarse labels are fine/5.
func cifarRecords(l cifarLayout, first, n int) []byte {
	var b []byte
	for g := first; g < first+n; g++ {
		fine := uint8(g % l.classes)
		if l.labelBytes == 2 {
			b = append(b, fine/5)
		}
		b = append(b, fine)
		for j := 0; j < cifarImage; j++ {
			b = append(b, cifarPixel(g, j))
		}
	}
	return b
}

// writeCIFAR writes a complete small CIFAR directory for layout l under root and returns it.
func writeCIFAR(t *testing.T, root string, l cifarLayout) string {
	t.Helper()
	dir := filepath.Join(root, l.dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	per := l.trainN / len(l.train)
	for i, f := range l.train {
		writeFile(t, filepath.Join(dir, f), cifarRecords(l, i*per, per))
	}
	writeFile(t, filepath.Join(dir, l.test), cifarRecords(l, 1_000_000, l.testN))
	return dir
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// idxBytes encodes an idx file of unsigned bytes.
func idxBytes(dims []int, data []byte) []byte {
	b := []byte{0, 0, idxUbyte, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return append(b, data...)
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tarEntry is one member of a synthetic archive; dir entries have nil data.
type tarEntry struct {
	name string
	data []byte
	typ  byte // 0 means a regular file or, with nil data and a trailing slash, a directory
}

func tarGz(t *testing.T, entries []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.data)), Typeflag: tar.TypeReg}
		switch {
		case e.typ != 0:
			h.Typeflag, h.Size, h.Linkname = e.typ, 0, "target"
		case e.data == nil:
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write(e.data); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
