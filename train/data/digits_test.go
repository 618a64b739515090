package data

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestLoadDigits(t *testing.T) {
	d, err := Load(context.Background(), "digits", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len() != 1257 || d.Val.Len() != 270 || d.Test.Len() != 270 {
		t.Fatalf("split sizes %d/%d/%d, want 1257/270/270", d.Train.Len(), d.Val.Len(), d.Test.Len())
	}
	if d.H != 8 || d.W != 8 || d.C != 1 || d.Classes != 10 || d.Augmentable {
		t.Fatalf("got %s", d)
	}
	// Stratified: each class gives 26–28 examples to val and to test (about 15% of ~180).
	for _, s := range []*Split{d.Val, d.Test} {
		counts := make([]int, 10)
		for i := 0; i < s.Len(); i++ {
			counts[s.Label(i)]++
		}
		for k, c := range counts {
			if c < 26 || c > 28 {
				t.Errorf("class %d has %d examples in a 270-example split, want 26..28", k, c)
			}
		}
	}
	// Pixels are rescaled 0..16 → 0..255: some are at both ends, all are multiples of 255/16.
	var lo, hi bool
	for i := 0; i < d.Train.Len(); i++ {
		for _, v := range d.Train.Image(i) {
			lo, hi = lo || v == 0, hi || v == 255
			if q := (int(v)*16 + 127) / 255; (q*255+8)/16 != int(v) {
				t.Fatalf("pixel %d is not a rescaled 0..16 value", v)
			}
		}
	}
	if !lo || !hi {
		t.Fatalf("rescaled pixels should reach 0 and 255")
	}
	if m := d.Mean[0]; m < 0.2 || m > 0.4 {
		t.Errorf("digits mean %v, want about 0.3 (4.9 of 16)", m)
	}
}

// TestDigitsSplitFixed pins the split: a change of seed, apportionment or shuffle would
// silently change which images validate and test.
func TestDigitsSplitFixed(t *testing.T) {
	all, err := parseDigits(bytes.NewReader(digitsCSV), "embedded")
	if err != nil {
		t.Fatal(err)
	}
	if all.Len() != 1797 {
		t.Fatalf("%d examples, want 1797", all.Len())
	}
	train, val, test := stratifiedSplit(all.labels, 10, DigitsTestSize, DigitsValSize, rand.New(rand.NewPCG(uint64(DigitsSplitSeed), 0)))
	seen := make([]int, all.Len())
	for _, s := range [][]int{train, val, test} {
		for _, i := range s {
			seen[i]++
		}
	}
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("example %d is in %d splits, want exactly 1", i, n)
		}
	}
	h := fnv.New64a()
	fmt.Fprint(h, val, test)
	if got := fmt.Sprintf("%x", h.Sum64()); got != digitsSplitHash {
		t.Fatalf("digits split hash %s, want %s (val starts %v, test starts %v)", got, digitsSplitHash, val[:5], test[:5])
	}
}

const digitsSplitHash = "b54d34473068de16"

func TestApportion(t *testing.T) {
	tests := []struct {
		sizes []int
		total int
		want  []int
	}{
		{[]int{10, 10, 10}, 3, []int{1, 1, 1}},
		{[]int{10, 10, 10}, 4, []int{2, 1, 1}}, // ties go to the lower index
		{[]int{1, 2, 7}, 5, []int{1, 1, 3}},    // quotas 0.5, 1.0, 3.5: remainders tie, lower first
		{[]int{5, 0, 5}, 10, []int{5, 0, 5}},
		{[]int{0, 0}, 0, []int{0, 0}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.sizes, tt.total), func(t *testing.T) {
			if got := apportion(tt.sizes, tt.total); !slices.Equal(got, tt.want) {
				t.Fatalf("apportion(%v, %d) = %v, want %v", tt.sizes, tt.total, got, tt.want)
			}
		})
	}
}

func TestParseDigitsMalformed(t *testing.T) {
	line := strings.Repeat("0,", 64) + "3\n"
	gz := func(s string) []byte { return gzipBytes(t, []byte(s)) }
	good := gz(line + line)
	tests := []struct {
		name    string
		input   []byte
		message string
	}{
		{"not gzip", []byte(line), "bad gzip header"},
		{"short line", gz(line + "1,2,3\n"), "line 2 has 3 fields, want 65"},
		{"pixel above 16", gz(strings.Replace(line, "0", "17", 1)), "line 1 field 1 is \"17\""},
		{"label 10", gz(strings.Repeat("0,", 64) + "10\n"), "field 65 is \"10\", want an integer in [0, 9]"},
		{"not a number", gz(strings.Replace(line, "0", "x", 1)), "field 1 is \"x\""},
		{"fraction", gz(strings.Replace(line, "0", "1.5", 1)), "field 1 is \"1.5\""},
		{"empty", gz(""), "holds no examples"},
		{"truncated gzip", good[:len(good)-10], "corrupt or truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseDigits(bytes.NewReader(tt.input), "digits.csv.gz")
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.message) || !strings.Contains(err.Error(), "digits.csv.gz") {
				t.Fatalf("error %v, want ErrMalformed mentioning %q", err, tt.message)
			}
		})
	}
	s, err := parseDigits(bytes.NewReader(good), "good")
	if err != nil || s.Len() != 2 || s.Label(1) != 3 {
		t.Fatalf("good input: %v, %v", s, err)
	}
}
