package data

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fullCIFAR10Archive builds a full-size synthetic cifar-10-binary.tar.gz (184 MB unpacked,
// a few MB packed) whose records follow cifarRecords.
func fullCIFAR10Archive(t *testing.T) []byte {
	t.Helper()
	l := cifar10Layout
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	add := func(name string, data []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.WriteHeader(&tar.Header{Name: l.dir + "/", Mode: 0o755, Typeflag: tar.TypeDir}); err != nil {
		t.Fatal(err)
	}
	per := l.trainN / len(l.train)
	for i, f := range l.train {
		add(l.dir+"/"+f, cifarRecords(l, i*per, per))
	}
	add(l.dir+"/"+l.test, cifarRecords(l, 1_000_000, l.testN))
	add(l.dir+"/batches.meta.txt", []byte(strings.Join(l.fallback, "\n")+"\n\n"))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestLoadDownloadsCIFAR10 runs the whole path: missing data set, download from a local server
// with the injected URL and MD5, verification, publication, then a second Load from disk.
func TestLoadDownloadsCIFAR10(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and unpacks a full-size 184 MB synthetic CIFAR-10; skipped with -short")
	}
	body := fullCIFAR10Archive(t)
	srv := archiveServer(t, body, "")
	root := filepath.Join(t.TempDir(), "data") // does not exist yet
	var bar strings.Builder
	o := Options{
		Dir: root, Download: true, Progress: &bar, HTTPClient: srv.Client(), Now: fakeClock(time.Second),
		Sources: map[string]Source{"cifar10": {URL: srv.URL + "/cifar-10-binary.tar.gz", MD5: md5hex(body)}},
	}
	d, err := Load(context.Background(), "cifar10", o)
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len() != 45000 || d.Val.Len() != 5000 || d.Test.Len() != 10000 {
		t.Fatalf("split sizes %d/%d/%d, want 45000/5000/10000", d.Train.Len(), d.Val.Len(), d.Test.Len())
	}
	if d.Val.Label(0) != 45000%10 || d.Val.Image(0)[100] != cifarPixel(45000, 100) {
		t.Fatal("validation split does not start at training record 45,000")
	}
	if !strings.Contains(bar.String(), "cifar-10-binary.tar.gz 100%") {
		t.Fatalf("progress bar %q", bar.String())
	}
	if got := rootEntries(t, root); !slices.Equal(got, []string{"cifar-10-batches-bin"}) {
		t.Fatalf("data root holds %v, want only cifar-10-batches-bin", got)
	}
	// Second load: from disk, no download (a server that fails proves it is not contacted).
	o.Sources = map[string]Source{"cifar10": {URL: archiveServer(t, nil, "error").URL, MD5: md5hex(body)}}
	again, err := Load(context.Background(), "cifar10", o)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again.Mean, d.Mean) || !slices.Equal(again.Train.Labels(), d.Train.Labels()) {
		t.Fatal("reloading from disk gave a different data set")
	}
	// A bad checksum on a fresh root fails and leaves nothing behind.
	o.Dir = filepath.Join(t.TempDir(), "other")
	o.Sources = map[string]Source{"cifar10": {URL: srv.URL, MD5: strings.Repeat("f", 32)}}
	if _, err := Load(context.Background(), "cifar10", o); !errors.Is(err, ErrChecksum) {
		t.Fatalf("error %v, want ErrChecksum", err)
	}
	if got := rootEntries(t, o.Dir); len(got) != 0 {
		t.Fatalf("failed download left %v", got)
	}
	_ = os.RemoveAll(root)
}
