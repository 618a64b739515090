package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
)

// digitsCSV is the UCI optical recognition of handwritten digits data set (test part of the
// original, 1,797 8×8 images with values 0..16), as shipped by scikit-learn in
// sklearn/datasets/data/digits.csv.gz: one image per line, 64 comma-separated pixel values in
// row-major order, then the label 0..9.
//
// Source and citation: UCI Machine Learning Repository, E. Alpaydin and C. Kaynak (1998),
// "Optical Recognition of Handwritten Digits", https://doi.org/10.24432/C50P49.
// License: Creative Commons Attribution 4.0 International (CC BY 4.0).
//
//go:embed digits.csv.gz
var digitsCSV []byte

// Digits split: a class-stratified random permutation drawn from DigitsSplitSeed. Each class
// gives its share (largest-remainder apportionment by class size) of DigitsTestSize examples to
// the test split, then of DigitsValSize of the remaining ones to the validation split; the rest
// train. With the embedded file: 1,257 train, 270 validation, 270 test. Within a split, examples
// keep the file's order.
const (
	DigitsSplitSeed = 1998
	DigitsTestSize  = 270
	DigitsValSize   = 270
	digitsSide      = 8
	digitsMax       = 16 // pixel values lie in 0..16 and are rescaled to 0..255
)

// loadDigits parses the embedded file and applies the fixed stratified split.
func loadDigits() (*Dataset, error) {
	all, err := parseDigits(bytes.NewReader(digitsCSV), "embedded digits.csv.gz")
	if err != nil {
		return nil, err
	}
	train, val, test := stratifiedSplit(all.labels, 10, DigitsTestSize, DigitsValSize, rand.New(rand.NewPCG(uint64(DigitsSplitSeed), 0)))
	return NewDataset("digits", numberedNames(10), all.subset(train), all.subset(val), all.subset(test))
}

// parseDigits reads gzipped digits CSV from r; name identifies the source in errors.
func parseDigits(r io.Reader, name string) (*Split, error) {
	const remedy = "the embedded copy of sklearn's digits.csv.gz is damaged: restore train/data/digits.csv.gz"
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, malformed(name, remedy, "bad gzip header: %v", err)
	}
	defer gz.Close()
	s := &Split{h: digitsSide, w: digitsSide, c: 1}
	sc := bufio.NewScanner(gz)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		fields := strings.Split(text, ",")
		if len(fields) != digitsSide*digitsSide+1 {
			return nil, malformed(name, remedy, "line %d has %d fields, want %d (64 pixels and a label)", line, len(fields), digitsSide*digitsSide+1)
		}
		for j, f := range fields {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			limit := digitsMax
			if j == len(fields)-1 {
				limit = 9
			}
			if err != nil || v != float64(int(v)) || v < 0 || int(v) > limit {
				return nil, malformed(name, remedy, "line %d field %d is %q, want an integer in [0, %d]", line, j+1, f, limit)
			}
			if j == len(fields)-1 {
				s.labels = append(s.labels, uint8(v))
			} else {
				s.pix = append(s.pix, uint8((int(v)*255+digitsMax/2)/digitsMax))
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, malformed(name, remedy, "corrupt or truncated gzip stream after line %d: %v", line, err)
	}
	if s.Len() == 0 {
		return nil, malformed(name, remedy, "holds no examples")
	}
	return s, nil
}

// stratifiedSplit partitions the example indices 0..len(labels)-1 into train, val and test:
// each class's indices are shuffled with rng (classes in increasing order), the first ones go to
// test, the next to val, the rest to train; per-class shares follow apportion. Each returned
// slice is sorted.
func stratifiedSplit(labels []uint8, classes, nTest, nVal int, rng *rand.Rand) (train, val, test []int) {
	byClass := make([][]int, classes)
	for i, l := range labels {
		byClass[l] = append(byClass[l], i)
	}
	sizes := make([]int, classes)
	for k := range byClass {
		sizes[k] = len(byClass[k])
	}
	qTest := apportion(sizes, nTest)
	for k := range sizes {
		sizes[k] -= qTest[k]
	}
	qVal := apportion(sizes, nVal)
	for k, idx := range byClass {
		shuffle(rng, idx)
		test = append(test, idx[:qTest[k]]...)
		val = append(val, idx[qTest[k]:qTest[k]+qVal[k]]...)
		train = append(train, idx[qTest[k]+qVal[k]:]...)
	}
	sort.Ints(train)
	sort.Ints(val)
	sort.Ints(test)
	return train, val, test
}

// apportion divides total among groups in proportion to sizes by the largest-remainder method
// (ties to the lower group index). It requires total <= sum(sizes).
func apportion(sizes []int, total int) []int {
	sum := 0
	for _, s := range sizes {
		sum += s
	}
	out := make([]int, len(sizes))
	if sum == 0 {
		return out
	}
	rem := make([]int, len(sizes)) // remainders, in units of 1/sum
	given := 0
	for k, s := range sizes {
		out[k] = s * total / sum
		rem[k] = s * total % sum
		given += out[k]
	}
	order := make([]int, len(sizes))
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool { return rem[order[a]] > rem[order[b]] })
	for _, k := range order[:total-given] {
		out[k]++
	}
	return out
}
