package storage

import (
	"fmt"
	"io/fs"
	"sync"
	"time"
)

// faultOps are the operations faultFS can fail.
var faultOps = []string{"mkdir", "open", "write", "sync", "close", "rename", "remove", "link"}

// faultFS wraps the real file system, counts operations by kind and fails the nth operation of
// kind op (1-based) with err. n == 0 only counts.
type faultFS struct {
	osFS
	op  string
	n   int
	err error

	mu    sync.Mutex
	count map[string]int
	fired bool
}

func newFaultFS(op string, n int, err error) *faultFS {
	return &faultFS{op: op, n: n, err: err, count: map[string]int{}}
}

// hit counts one operation of kind and returns the injected error if it is the chosen one.
func (f *faultFS) hit(kind string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.count[kind]++
	if kind == f.op && f.count[kind] == f.n {
		f.fired = true
		return fmt.Errorf("injected %s #%d: %w", kind, f.n, f.err)
	}
	return nil
}

func (f *faultFS) counts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for k, v := range f.count {
		out[k] = v
	}
	return out
}

func (f *faultFS) Mkdir(name string, perm fs.FileMode) error {
	if err := f.hit("mkdir"); err != nil {
		return err
	}
	return f.osFS.Mkdir(name, perm)
}

func (f *faultFS) OpenFile(name string, flag int, perm fs.FileMode) (file, error) {
	if err := f.hit("open"); err != nil {
		return nil, err
	}
	h, err := f.osFS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &faultFile{file: h, fs: f}, nil
}

func (f *faultFS) Rename(o, n string) error {
	if err := f.hit("rename"); err != nil {
		return err
	}
	return f.osFS.Rename(o, n)
}

func (f *faultFS) Link(o, n string) error {
	if err := f.hit("link"); err != nil {
		return err
	}
	return f.osFS.Link(o, n)
}

func (f *faultFS) Remove(name string) error {
	if err := f.hit("remove"); err != nil {
		return err
	}
	return f.osFS.Remove(name)
}

func (f *faultFS) Chtimes(name string, a, m time.Time) error { return f.osFS.Chtimes(name, a, m) }

// faultFile fails writes, syncs and closes through its faultFS. A failed write writes nothing
// (as with ENOSPC at the start of a block); a failed close still releases the descriptor.
type faultFile struct {
	file
	fs *faultFS
}

func (h *faultFile) Write(p []byte) (int, error) {
	if err := h.fs.hit("write"); err != nil {
		return 0, err
	}
	return h.file.Write(p)
}

func (h *faultFile) Sync() error {
	if err := h.fs.hit("sync"); err != nil {
		return err
	}
	return h.file.Sync()
}

func (h *faultFile) Close() error {
	if err := h.fs.hit("close"); err != nil {
		h.file.Close()
		return err
	}
	return h.file.Close()
}
