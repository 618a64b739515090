package storage

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
)

// MaxHistoryLine bounds one history event. Events are small JSON objects.
const MaxHistoryLine = 1 << 20

// History is one worker's append-only event log, history/<worker>.jsonl: one JSON object per
// line. Exactly one process may write a given log (a shared append is not safe on NFS; one
// writer per file is). Logs are never removed by the garbage collector: lineage, plots and cost
// accounting read them after the individuals are long gone.
type History struct {
	r      *Root
	worker string
	mu     sync.Mutex
	f      file
	// torn: an earlier append failed and may have left part of its line in the log (a full
	// disk writes what fits). The next append starts with a newline, so that the fragment
	// stays a line of its own, which readers skip, instead of swallowing the next event.
	torn bool
}

// History opens worker's log for appending, creating it if needed. If a crash left a torn last
// line, a newline is appended first so that the fragment stays a line of its own (which readers
// skip) instead of corrupting the next event.
func (r *Root) History(worker string) (*History, error) {
	if err := checkName("worker", worker); err != nil {
		return nil, fmt.Errorf("storage: history: %w", err)
	}
	p := r.path(dirHistory, worker+".jsonl")
	f, err := r.fs.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND|openNoFollow, 0o644)
	if err != nil {
		return nil, fmt.Errorf("storage: history %s: %w", worker, err)
	}
	if torn, err := r.endsTorn(p); err != nil || torn {
		if err == nil {
			_, err = f.Write([]byte("\n"))
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("storage: history %s: %w", worker, err)
		}
	}
	return &History{r: r, worker: worker, f: f}, nil
}

// endsTorn reports whether the file at p is non-empty and does not end with a newline.
func (r *Root) endsTorn(p string) (bool, error) {
	f, err := os.OpenFile(p, os.O_RDONLY|openNoFollow, 0)
	if err != nil {
		return false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return false, err
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, st.Size()-1); err != nil {
		return false, err
	}
	return last[0] != '\n', nil
}

// Append writes event (a JSON object; it is compacted to one line) and fsyncs the log.
func (h *History) Append(event []byte) error {
	line, err := compactJSON(event)
	if err != nil {
		return fmt.Errorf("storage: history %s: event is not valid JSON: %w", h.worker, err)
	}
	if len(line) >= MaxHistoryLine {
		return fmt.Errorf("storage: history %s: event is %d bytes, limit %d: %w", h.worker, len(line), MaxHistoryLine, ErrTooLarge)
	}
	line = append(line, '\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.f == nil {
		return fmt.Errorf("storage: history %s: closed", h.worker)
	}
	if h.torn {
		line = append([]byte{'\n'}, line...)
	}
	if n, err := h.f.Write(line); err != nil {
		// Without a byte written the log is as before (and still torn if it was).
		h.torn = h.torn || n > 0
		return fmt.Errorf("storage: history %s: %w", h.worker, err)
	}
	h.torn = false
	if err := h.f.Sync(); err != nil {
		return fmt.Errorf("storage: history %s: %w", h.worker, err)
	}
	return nil
}

// Close closes the log.
func (h *History) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.f == nil {
		return nil
	}
	err := h.f.Close()
	h.f = nil
	return err
}

// ReadHistory calls fn for every line of every worker's log (logs in name order, lines in file
// order; the garbage collector's own logs are named gc-<writer>). A torn line (a crash in the
// middle of an append) or any line that is not valid JSON is skipped and logged. fn's error
// stops the walk and is returned.
func (r *Root) ReadHistory(fn func(worker string, line []byte) error) error {
	entries, err := r.fs.ReadDir(r.path(dirHistory))
	if err != nil {
		return fmt.Errorf("storage: read history: %w", err)
	}
	for _, e := range entries {
		worker, ok := strings.CutSuffix(e.Name(), ".jsonl")
		if !ok || checkName("worker", worker) != nil || !e.Type().IsRegular() {
			r.log.Warn("storage: skipping foreign entry in history", "name", e.Name())
			continue
		}
		if err := r.readOneHistory(worker, fn); err != nil {
			return err
		}
	}
	return nil
}

func (r *Root) readOneHistory(worker string, fn func(worker string, line []byte) error) error {
	p := r.path(dirHistory, worker+".jsonl")
	f, err := r.fs.OpenFile(p, os.O_RDONLY|openNoFollow, 0)
	if err != nil {
		return fmt.Errorf("storage: read history %s: %w", p, err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	for n := 1; ; n++ {
		line, err := readLine(br)
		if errors.Is(err, io.EOF) {
			if len(line) > 0 {
				r.log.Warn("storage: skipping torn last line", "file", p, "line", n)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("storage: read history %s line %d: %w", p, n, err)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if !json.Valid(line) {
			r.log.Warn("storage: skipping damaged history line", "file", p, "line", n)
			continue
		}
		if err := fn(worker, line); err != nil {
			return err
		}
	}
}

// readLine returns one line without its newline, or the unterminated rest with io.EOF. A line
// longer than MaxHistoryLine is an error naming the limit.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > MaxHistoryLine {
			return nil, fmt.Errorf("line longer than %d bytes: %w", MaxHistoryLine, ErrTooLarge)
		}
		switch {
		case err == nil:
			return line[:len(line)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return line, err
		}
	}
}

// HistoryLog is one worker's history file as listed by HistoryLogs.
type HistoryLog struct {
	Worker string
	Size   int64
}

// HistoryLogs lists every worker's history file with its size, in name order. Foreign entries
// are skipped (and logged), like ReadHistory does.
func (r *Root) HistoryLogs() ([]HistoryLog, error) {
	entries, err := r.fs.ReadDir(r.path(dirHistory))
	if err != nil {
		return nil, fmt.Errorf("storage: list history: %w", err)
	}
	out := make([]HistoryLog, 0, len(entries))
	for _, e := range entries {
		worker, ok := strings.CutSuffix(e.Name(), ".jsonl")
		if !ok || checkName("worker", worker) != nil || !e.Type().IsRegular() {
			r.log.Warn("storage: skipping foreign entry in history", "name", e.Name())
			continue
		}
		st, err := e.Info()
		if err != nil {
			if isGoneErr(err) {
				continue
			}
			return nil, fmt.Errorf("storage: list history %s: %w", e.Name(), err)
		}
		out = append(out, HistoryLog{Worker: worker, Size: st.Size()})
	}
	return out, nil
}

// ErrHistoryShrunk means a history file is shorter than an offset a reader remembered: it was
// truncated or replaced, and whatever the reader built from it must be rebuilt from the start.
var ErrHistoryShrunk = errors.New("history file is shorter than the offset read before")

// ReadHistoryFrom reads worker's log from byte offset from and calls fn with the offset and
// content (without the newline) of every complete line that is not blank. It returns the
// offset just past the last complete line: a torn last line (no newline yet, a writer killed
// mid-append or still writing) is not passed and is read again next time. Lines are passed as
// they are, valid JSON or not; fn must not keep line. A file shorter than from is
// ErrHistoryShrunk.
func (r *Root) ReadHistoryFrom(worker string, from int64, fn func(off int64, line []byte) error) (next int64, err error) {
	if err := checkName("worker", worker); err != nil {
		return from, fmt.Errorf("storage: read history: %w", err)
	}
	p := r.path(dirHistory, worker+".jsonl")
	f, err := os.OpenFile(p, os.O_RDONLY|openNoFollow, 0)
	if err != nil {
		return from, fmt.Errorf("storage: read history %s: %w", p, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return from, fmt.Errorf("storage: read history %s: %w", p, err)
	}
	if st.Size() < from {
		return from, fmt.Errorf("storage: read history %s: %d bytes, fewer than the %d already read: %w", p, st.Size(), from, ErrHistoryShrunk)
	}
	if st.Size() == from {
		return from, nil
	}
	br := bufio.NewReaderSize(io.NewSectionReader(f, from, st.Size()-from), 64<<10)
	next = from
	for {
		line, err := readLine(br)
		if errors.Is(err, io.EOF) {
			return next, nil // an unterminated rest is left for the next read
		}
		if err != nil {
			return next, fmt.Errorf("storage: read history %s at byte %d: %w", p, next, err)
		}
		off := next
		next += int64(len(line)) + 1
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if err := fn(off, line); err != nil {
			return next, err
		}
	}
}

// ReadHistoryAt returns n bytes of worker's log starting at byte off (one event whose place
// an index remembered, or the bytes before an offset to check that the file is the same).
func (r *Root) ReadHistoryAt(worker string, off int64, n int) ([]byte, error) {
	if err := checkName("worker", worker); err != nil {
		return nil, fmt.Errorf("storage: read history: %w", err)
	}
	if n < 0 || n > MaxHistoryLine || off < 0 {
		return nil, fmt.Errorf("storage: read history %s: bad span %d+%d", worker, off, n)
	}
	p := r.path(dirHistory, worker+".jsonl")
	f, err := os.OpenFile(p, os.O_RDONLY|openNoFollow, 0)
	if err != nil {
		return nil, fmt.Errorf("storage: read history %s: %w", p, err)
	}
	defer f.Close()
	b := make([]byte, n)
	if _, err := f.ReadAt(b, off); err != nil {
		return nil, fmt.Errorf("storage: read history %s at byte %d: %w", p, off, err)
	}
	return b, nil
}

// fileHistoryIndex is the index of the history that the collector writes (see population).
const fileHistoryIndex = "history.index"

// WriteHistoryIndex atomically replaces the history index (written to a temporary file in
// staging/, fsynced, renamed over history.index). Readers see the old or the new index.
func (r *Root) WriteHistoryIndex(data []byte) error {
	if err := r.replaceFile(r.path(fileHistoryIndex), r.self, data, time.Time{}); err != nil {
		return fmt.Errorf("storage: history index: %w", err)
	}
	return nil
}

// OpenHistoryIndex opens the history index for reading; an error wrapping fs.ErrNotExist when
// none was written.
func (r *Root) OpenHistoryIndex() (*os.File, error) {
	f, err := os.OpenFile(r.path(fileHistoryIndex), os.O_RDONLY|openNoFollow, 0)
	if err != nil {
		return nil, fmt.Errorf("storage: history index: %w", err)
	}
	return f, nil
}

// Logger returns the logger the Root was opened with (a discarding one if none was given).
func (r *Root) Logger() *slog.Logger { return r.log }

// WorkerHost returns the host part of a worker name made by NewWorkerID, or "" for other names.
func WorkerHost(worker string) string {
	host, _, _ := workerHostPID(worker)
	return host
}
