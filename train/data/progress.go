package data

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progressEvery is the least time between two progress bar updates.
const progressEvery = 250 * time.Millisecond

// progress is an io.Writer that counts bytes and draws a one-line bar on w with
// github.com/schollz/progressbar: "cifar-10-binary.tar.gz  41% |████████            |
// (71/170 MB, 12 MB/s) [6s:8s]" — percent, bytes, rate, elapsed and remaining time; a spinner,
// the bytes so far and the elapsed time when the total is unknown (< 0). A nil w draws nothing.
// (The library reads the wall clock itself, so Options.Now does not reach the bar.)
type progress struct {
	w   io.Writer
	bar *progressbar.ProgressBar
}

func newProgress(w io.Writer, name string, total int64) *progress {
	if w == nil {
		return &progress{}
	}
	if total < 0 {
		total = -1 // the library's "unknown length"
	}
	return &progress{w: w, bar: progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(name),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(20),
		progressbar.OptionThrottle(progressEvery),
		// No redraw goroutine for the spinner of an unknown length: the bar moves on writes only.
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionSpinnerType(14),
	)}
}

// Write counts len(b) bytes; the bar redraws at most every progressEvery. It never fails: a
// progress display that cannot draw must not stop a download.
func (p *progress) Write(b []byte) (int, error) {
	if p.bar != nil {
		_ = p.bar.Add64(int64(len(b)))
	}
	return len(b), nil
}

// finish draws the final state and ends the line.
func (p *progress) finish() {
	if p.bar == nil {
		return
	}
	_ = p.bar.Finish()
	fmt.Fprintln(p.w)
}
