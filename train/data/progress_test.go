package data

import (
	"strings"
	"testing"
	"time"
)

// fakeClock advances by step on every call.
func fakeClock(step time.Duration) func() time.Time {
	t := time.Date(2017, 3, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(step); return t }
}

// TestProgress: the bar names the file, ends at 100% with the total in MB (known size) or the
// bytes so far (unknown size), and ends its line.
func TestProgress(t *testing.T) {
	tests := []struct {
		name  string
		total int64
		want  []string
	}{
		{"known size", 4_000_000, []string{"x.tar.gz", "100%", "4.0 MB"}},
		{"unknown size", -1, []string{"x.tar.gz", "4.0 MB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			p := newProgress(&out, "x.tar.gz", tt.total)
			chunk := make([]byte, 2_000_000)
			for range 2 {
				if n, err := p.Write(chunk); n != len(chunk) || err != nil {
					t.Fatalf("Write: %d, %v", n, err)
				}
			}
			p.finish()
			s := out.String()
			last := s[strings.LastIndex(strings.TrimRight(s, "\n"), "\r")+1:]
			for _, w := range tt.want {
				if !strings.Contains(last, w) {
					t.Errorf("final line %q lacks %q", last, w)
				}
			}
			if !strings.HasSuffix(s, "\n") {
				t.Errorf("output %q does not end its line", s)
			}
		})
	}
	silent := newProgress(nil, "f", 10)
	if n, err := silent.Write(make([]byte, 10)); n != 10 || err != nil {
		t.Fatalf("silent Write: %d, %v", n, err)
	}
	silent.finish() // must not panic with no writer
}
