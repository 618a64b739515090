package data

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// CIFAR binary record geometry: 32×32 colour images, 1,024 R then 1,024 G then 1,024 B bytes.
const (
	cifarSide  = 32
	cifarImage = 3 * cifarSide * cifarSide
)

// cifarLayout describes one CIFAR binary distribution.
type cifarLayout struct {
	name       string   // data set name
	dir        string   // directory inside the archive and under the data root
	train      []string // training files, in order; their concatenation holds trainN records
	test       string   // the test file
	trainN     int      // records in all training files together (50,000)
	valN       int      // the last valN training records validate (5,000), the others train
	testN      int      // records in the test file (10,000)
	labelBytes int      // 1 (CIFAR-10: label) or 2 (CIFAR-100: coarse, fine)
	classes    int      // number of labels of the used (last) label byte
	coarse     int      // CIFAR-100 coarse classes, checked but unused; 0 when absent
	namesFile  string   // class names, one per line; optional
	fallback   []string // class names used when namesFile is absent
}

var cifar10Layout = cifarLayout{
	name: "cifar10", dir: "cifar-10-batches-bin",
	train: []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"},
	test:  "test_batch.bin", trainN: 50000, valN: 5000, testN: 10000, labelBytes: 1, classes: 10, namesFile: "batches.meta.txt",
	fallback: []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"},
}

var cifar100Layout = cifarLayout{
	name: "cifar100", dir: "cifar-100-binary",
	train: []string{"train.bin"}, test: "test.bin", trainN: 50000, valN: 5000, testN: 10000, labelBytes: 2, classes: 100, coarse: 20,
	namesFile: "fine_label_names.txt", fallback: cifar100FineNames,
}

// loadCIFAR reads a CIFAR binary directory and applies the fixed 45,000 / 5,000 / test split.
func loadCIFAR(ctx context.Context, dir string, l cifarLayout) (*Dataset, error) {
	all, err := readCIFARFiles(ctx, dir, l, l.train, l.trainN)
	if err != nil {
		return nil, err
	}
	test, err := readCIFARFiles(ctx, dir, l, []string{l.test}, l.testN)
	if err != nil {
		return nil, err
	}
	names, err := readClassNames(filepath.Join(dir, l.namesFile), l.classes, l.fallback)
	if err != nil {
		return nil, err
	}
	split := l.trainN - l.valN
	return NewDataset(l.name, names, all.slice(0, split), all.slice(split, l.trainN), test)
}

// readCIFARFiles reads files (in order) into one split that must hold exactly total records.
func readCIFARFiles(ctx context.Context, dir string, l cifarLayout, files []string, total int) (*Split, error) {
	s := &Split{h: cifarSide, w: cifarSide, c: 3, pix: make([]uint8, 0, total*cifarImage), labels: make([]uint8, 0, total)}
	per := total / len(files)
	rec := l.labelBytes + cifarImage
	remedy := fmt.Sprintf("the file is damaged or not %s binary: delete %s and download it again (--download)", l.name, dir)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("data: read %s: %w", l.name, err)
		}
		path := filepath.Join(dir, f)
		raw, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("data: %s: %s is missing; %s: %w", l.name, path, remedy, ErrMissing)
		}
		if err != nil {
			return nil, fmt.Errorf("data: read %s: %w", l.name, err)
		}
		if len(raw) != per*rec {
			return nil, malformed(path, remedy, "has %d bytes, want %d (%d records of %d bytes)", len(raw), per*rec, per, rec)
		}
		for r := 0; r < per; r++ {
			b := raw[r*rec : (r+1)*rec]
			if l.coarse > 0 && int(b[0]) >= l.coarse {
				return nil, malformed(path, remedy, "record %d has coarse label %d, want < %d", r, b[0], l.coarse)
			}
			label := b[l.labelBytes-1]
			if int(label) >= l.classes {
				return nil, malformed(path, remedy, "record %d has label %d, want < %d", r, label, l.classes)
			}
			s.labels = append(s.labels, label)
			s.pix = append(s.pix, b[l.labelBytes:]...)
		}
	}
	return s, nil
}

// readClassNames reads one non-empty name per line (blank lines ignored, as in CIFAR's meta
// files). A missing file yields fallback; a file with the wrong number of names is an error.
func readClassNames(path string, classes int, fallback []string) ([]string, error) {
	raw, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return fallback, nil
	}
	if err != nil {
		return nil, fmt.Errorf("data: read class names: %w", err)
	}
	var names []string
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		if n := strings.TrimSpace(sc.Text()); n != "" {
			names = append(names, n)
		}
	}
	if len(names) != classes {
		return nil, malformed(path, "delete the file (names then default to the official ones) or restore it from the archive",
			"lists %d class names, want %d", len(names), classes)
	}
	return names, nil
}

// numberedNames returns "0", "1", … as placeholder class names.
func numberedNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(i)
	}
	return out
}
