package storage

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Stage is a child being written in staging/<worker>.<id>/. Its id is fixed when it is created.
// Files are added with Create or WriteFile; Publish makes it an individual in one rename. Any
// failure (a full disk, say) aborts the stage: its directory is removed and nothing is published.
// A Stage is safe for use by several goroutines, but each file must be written by one.
//
// Create a Stage just before writing the child's files, not before training it: the garbage
// collector treats staging directories of workers on other hosts as leftovers once they are
// older than GCOptions.StaleStaging.
type Stage struct {
	r      *Root
	worker string
	id     string
	born   time.Time
	dir    string

	mu     sync.Mutex
	files  map[string]FileInfo
	open   map[string]bool
	closed bool
	err    error // why the stage was aborted, if it failed
}

// Stage creates a fresh staging directory for a child published by worker.
func (r *Root) Stage(worker string) (*Stage, error) {
	if err := checkName("worker", worker); err != nil {
		return nil, fmt.Errorf("storage: stage: %w", err)
	}
	born := r.now().UTC()
	id := newID(born)
	dir := r.path(dirStaging, worker+"."+id)
	if err := r.fs.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("storage: stage %s: %w", id, err)
	}
	return &Stage{r: r, worker: worker, id: id, born: born, dir: dir,
		files: map[string]FileInfo{}, open: map[string]bool{}}, nil
}

// ID returns the id the child will have once published.
func (s *Stage) ID() string { return s.id }

// Create opens a new file of the child for writing. The returned writer hashes (SHA-256) and
// counts what it writes; Close fsyncs and closes the file and adds it to the record. A failed
// Write or Close aborts the whole stage.
func (s *Stage) Create(name string) (io.WriteCloser, error) {
	if err := checkFileName(name); err != nil {
		return nil, fmt.Errorf("storage: stage %s: %w", s.id, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, s.closedErr()
	}
	if _, dup := s.files[name]; dup || s.open[name] {
		return nil, fmt.Errorf("storage: stage %s: file %s written twice", s.id, name)
	}
	f, err := s.r.fs.OpenFile(filepath.Join(s.dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL|openNoFollow, 0o644)
	if err != nil {
		s.abortLocked(err)
		return nil, fmt.Errorf("storage: stage %s: create %s: %w", s.id, name, err)
	}
	s.open[name] = true
	return &stageWriter{s: s, name: name, f: f, h: sha256.New()}, nil
}

// WriteFile writes one whole file of the child.
func (s *Stage) WriteFile(name string, data []byte) error {
	w, err := s.Create(name)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// Abort removes the staging directory. It is idempotent, and a no-op after Publish.
func (s *Stage) Abort() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.err = fmt.Errorf("aborted by caller")
	if err := s.r.removeAll(s.dir); err != nil {
		return fmt.Errorf("storage: abort stage %s: %w", s.id, err)
	}
	return nil
}

// abortLocked records why the stage failed and removes its directory. If the removal fails too
// (the disk is failing), the garbage collector removes the leftover later; nothing of it is
// ever visible in population/. The caller holds s.mu.
func (s *Stage) abortLocked(cause error) {
	if s.closed {
		return
	}
	s.closed = true
	s.err = cause
	if err := s.r.removeAll(s.dir); err != nil {
		s.r.log.Warn("storage: could not remove aborted stage; GC will", "stage", s.dir, "err", err)
	}
}

func (s *Stage) closedErr() error {
	if s.err != nil {
		return fmt.Errorf("storage: stage %s: %v: %w", s.id, s.err, ErrStageClosed)
	}
	return fmt.Errorf("storage: stage %s: %w", s.id, ErrStageClosed)
}

// stageWriter streams one file of a stage.
type stageWriter struct {
	s      *Stage
	name   string
	f      file
	h      hash.Hash
	n      int64
	err    error
	closed bool
}

func (w *stageWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.f.Write(p)
	w.h.Write(p[:n])
	w.n += int64(n)
	if err != nil {
		w.fail(err)
		return n, w.err
	}
	return n, nil
}

// Close fsyncs then closes the file. Sync before the record and the rename: after a crash a
// published child could otherwise hold a zero-length or short checkpoint.
func (w *stageWriter) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		w.f.Close()
		return w.err
	}
	if err := w.f.Sync(); err != nil {
		w.f.Close()
		w.fail(err)
		return w.err
	}
	if err := w.f.Close(); err != nil {
		w.fail(err)
		return w.err
	}
	s := w.s
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.open, w.name)
	if s.closed {
		return s.closedErr()
	}
	s.files[w.name] = FileInfo{Size: w.n, SHA256: hex.EncodeToString(w.h.Sum(nil))}
	return nil
}

func (w *stageWriter) fail(err error) {
	w.err = fmt.Errorf("storage: stage %s: write %s: %w", w.s.id, w.name, err)
	w.s.mu.Lock()
	delete(w.s.open, w.name)
	w.s.abortLocked(err)
	w.s.mu.Unlock()
}
