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

func TestProgress(t *testing.T) {
	tests := []struct {
		name  string
		total int64
		want  string
	}{
		{"known size", 4_000_000, "\rx.tar.gz  50.0%     2.0 / 4.0 MB    2.0 MB/s\rx.tar.gz 100.0%     4.0 / 4.0 MB    2.0 MB/s\rx.tar.gz 100.0%     4.0 / 4.0 MB    1.3 MB/s\n"},
		{"unknown size", -1, "\rx.tar.gz     2.0 MB    2.0 MB/s\rx.tar.gz     4.0 MB    2.0 MB/s\rx.tar.gz     4.0 MB    1.3 MB/s\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			p := newProgress(&out, "x.tar.gz", tt.total, fakeClock(time.Second))
			chunk := make([]byte, 2_000_000)
			p.Write(chunk) // the clock reads 1 s at the start, then 2 s, 3 s, 4 s: 2 MB/1 s, 4 MB/2 s, 4 MB/3 s
			p.Write(chunk)
			p.finish()
			if out.String() != tt.want {
				t.Fatalf("progress output\n%q\nwant\n%q", out.String(), tt.want)
			}
		})
	}
}

func TestProgressThrottles(t *testing.T) {
	var out strings.Builder
	p := newProgress(&out, "f", 100, fakeClock(time.Millisecond))
	for i := 0; i < 100; i++ {
		p.Write([]byte{0})
	}
	if n := strings.Count(out.String(), "\r"); n != 0 {
		t.Fatalf("drew %d times within 100 ms, want 0 (at most every %v)", n, progressEvery)
	}
	p.finish()
	if !strings.HasSuffix(out.String(), "100.0%     0.0 / 0.0 MB    0.0 MB/s\n") {
		t.Fatalf("final line %q", out.String())
	}
	silent := newProgress(nil, "f", 10, fakeClock(time.Second))
	silent.Write(make([]byte, 10))
	silent.finish() // must not panic with no writer
}
