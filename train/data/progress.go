package data

import (
	"fmt"
	"io"
	"time"
)

// progressEvery is the least time between two progress bar updates.
const progressEvery = 250 * time.Millisecond

// progress is an io.Writer that counts bytes and draws a one-line bar on w:
// "cifar-10-binary.tar.gz  42.0%   71.4 / 170.1 MB   12.5 MB/s" (MB = 10^6 bytes). A nil w
// draws nothing. When the total is unknown (< 0), the percent is left out.
type progress struct {
	w           io.Writer
	name        string
	total, done int64
	start, last time.Time
	now         func() time.Time
}

func newProgress(w io.Writer, name string, total int64, now func() time.Time) *progress {
	t := now()
	return &progress{w: w, name: name, total: total, start: t, last: t, now: now}
}

// Write counts len(b) bytes and redraws the bar at most every progressEvery.
func (p *progress) Write(b []byte) (int, error) {
	p.done += int64(len(b))
	if p.w == nil {
		return len(b), nil
	}
	if t := p.now(); t.Sub(p.last) >= progressEvery {
		p.last = t
		p.draw(t)
	}
	return len(b), nil
}

// finish draws the final state and ends the line.
func (p *progress) finish() {
	if p.w == nil {
		return
	}
	p.draw(p.now())
	fmt.Fprintln(p.w)
}

func (p *progress) draw(t time.Time) {
	mb := float64(p.done) / 1e6
	rate := 0.0
	if s := t.Sub(p.start).Seconds(); s > 0 {
		rate = mb / s
	}
	if p.total > 0 {
		fmt.Fprintf(p.w, "\r%s %5.1f%% %7.1f / %.1f MB %6.1f MB/s", p.name,
			100*float64(p.done)/float64(p.total), mb, float64(p.total)/1e6, rate)
		return
	}
	fmt.Fprintf(p.w, "\r%s %7.1f MB %6.1f MB/s", p.name, mb, rate)
}
