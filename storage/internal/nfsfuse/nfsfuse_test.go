//go:build linux

package nfsfuse

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// mount mounts backing with o in a fresh directory and unmounts at the end of the test. It
// skips the test where FUSE cannot be mounted (not root, no /dev/fuse): an environment skip.
func mount(t *testing.T, backing string, o Options) *Mount {
	t.Helper()
	if err := Available(); err != nil {
		t.Skipf("FUSE not available here, test skipped: %v", err)
	}
	dir := t.TempDir()
	m, err := New(dir, backing, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Unmount(); err != nil {
			t.Error(err)
		}
	})
	return m
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeClock is a settable clock for the listing cache.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestAttrCache(t *testing.T) {
	backing := t.TempDir()
	write(t, filepath.Join(backing, "f"), "1")
	cached := mount(t, backing, Options{AttrTimeout: time.Hour, EntryTimeout: time.Hour})
	fresh := mount(t, backing, Options{})
	for _, m := range []*Mount{cached, fresh} {
		if st, err := os.Stat(filepath.Join(m.Dir, "f")); err != nil || st.Size() != 1 {
			t.Fatalf("stat through %s: %v %v", m.Dir, st, err)
		}
	}
	write(t, filepath.Join(backing, "f"), "12345")
	st, err := os.Stat(filepath.Join(cached.Dir, "f"))
	if err != nil || st.Size() != 1 {
		t.Errorf("caching mount: size %v, err %v; want the cached size 1", st.Size(), err)
	}
	st, err = os.Stat(filepath.Join(fresh.Dir, "f"))
	if err != nil || st.Size() != 5 {
		t.Errorf("uncached mount: size %v, err %v; want 5", st.Size(), err)
	}
}

func TestAttrCacheExpires(t *testing.T) {
	backing := t.TempDir()
	write(t, filepath.Join(backing, "f"), "1")
	m := mount(t, backing, Options{AttrTimeout: 200 * time.Millisecond, EntryTimeout: 200 * time.Millisecond})
	if _, err := os.Stat(filepath.Join(m.Dir, "f")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(backing, "f"), "12345")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if st, err := os.Stat(filepath.Join(m.Dir, "f")); err == nil && st.Size() == 5 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the new size never showed through the mount (hang guard)")
		}
	}
}

func names(t *testing.T, dir string) map[string]bool {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, e := range es {
		out[e.Name()] = true
	}
	return out
}

func TestDirListingCache(t *testing.T) {
	backing := t.TempDir()
	write(t, filepath.Join(backing, "old"), "x")
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	m := mount(t, backing, Options{DirCacheTimeout: 3 * time.Second, Now: clock.now})
	if got := names(t, m.Dir); !got["old"] || len(got) != 1 {
		t.Fatalf("first listing %v, want [old]", got)
	}
	write(t, filepath.Join(backing, "new"), "y")
	if err := os.Remove(filepath.Join(backing, "old")); err != nil {
		t.Fatal(err)
	}
	clock.add(2 * time.Second)
	if got := names(t, m.Dir); !got["old"] || got["new"] {
		t.Errorf("listing within the timeout %v, want the cached [old]", got)
	}
	// A lookup by name goes to the backing directory, as an NFS LOOKUP does.
	if _, err := os.Stat(filepath.Join(m.Dir, "new")); err != nil {
		t.Errorf("lookup of a new name within the listing timeout: %v", err)
	}
	if m.Stats().DirCacheHits != 1 {
		t.Errorf("cache hits %d, want 1", m.Stats().DirCacheHits)
	}
	clock.add(2 * time.Second)
	if got := names(t, m.Dir); got["old"] || !got["new"] {
		t.Errorf("listing after the timeout %v, want [new]", got)
	}
}

func TestCloseToOpen(t *testing.T) {
	backing := t.TempDir()
	write(t, filepath.Join(backing, "f"), "aaaa")
	m := mount(t, backing, Options{AttrTimeout: time.Hour, EntryTimeout: time.Hour})
	p := filepath.Join(m.Dir, "f")
	if b, err := os.ReadFile(p); err != nil || string(b) != "aaaa" {
		t.Fatalf("first read %q %v", b, err)
	}
	// Rewrite in place (same inode, same size): only revalidation at open can show it.
	f, err := os.OpenFile(filepath.Join(backing, "f"), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("bbbb"), 0); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if b, err := os.ReadFile(p); err != nil || string(b) != "bbbb" {
		t.Errorf("read after reopen %q %v, want bbbb", b, err)
	}
}

func TestRenameReportsENOENTAfterSuccess(t *testing.T) {
	backing := t.TempDir()
	if err := os.Mkdir(filepath.Join(backing, "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	m := mount(t, backing, Options{RenameENOENT: 1})
	err := os.Rename(filepath.Join(m.Dir, "a"), filepath.Join(m.Dir, "b"))
	if !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("rename: %v, want ENOENT", err)
	}
	if _, err := os.Stat(filepath.Join(backing, "b")); err != nil {
		t.Errorf("the rename did not happen: %v", err)
	}
	if _, err := os.Stat(filepath.Join(backing, "a")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("source still there: %v", err)
	}
	if st, err := os.Stat(filepath.Join(m.Dir, "b")); err != nil || !st.IsDir() {
		t.Errorf("the destination through the mount: %v %v", st, err)
	}
	if got := m.Stats().RenameENOENT; got != 1 {
		t.Errorf("RenameENOENT count %d, want 1", got)
	}
	clean := mount(t, backing, Options{})
	if err := os.Rename(filepath.Join(clean.Dir, "b"), filepath.Join(clean.Dir, "c")); err != nil {
		t.Errorf("rename without faults: %v", err)
	}
}

func TestStaleHandles(t *testing.T) {
	backing := t.TempDir()
	write(t, filepath.Join(backing, "f"), "data")
	write(t, filepath.Join(backing, "g"), "data")
	m := mount(t, backing, Options{EntryTimeout: time.Hour})
	f, err := os.Open(filepath.Join(m.Dir, "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := os.Remove(filepath.Join(backing, "f")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Read(make([]byte, 4)); !errors.Is(err, syscall.ESTALE) {
		t.Errorf("read of a deleted file through an open handle: %v, want ESTALE", err)
	}
	// The name g is cached by the kernel; replacing it underneath makes the cached node stale.
	// The kernel answers ESTALE on a path by walking the path again without its caches (as it
	// does for NFS), so the open finds the new file and only the counter shows the stale node.
	if _, err := os.Stat(filepath.Join(m.Dir, "g")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(backing, "g2"), "other")
	if err := os.Rename(filepath.Join(backing, "g2"), filepath.Join(backing, "g")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(m.Dir, "g")); err != nil || string(b) != "other" {
		t.Errorf("read of a replaced file through a cached name: %q %v, want the new file", b, err)
	}
	if m.Stats().Stale < 2 {
		t.Errorf("stale count %d, want at least 2", m.Stats().Stale)
	}
}

func flock(t *testing.T, path string) (*os.File, error) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

func TestFlockIsPerMount(t *testing.T) {
	backing := t.TempDir()
	write(t, filepath.Join(backing, "w.lock"), "")
	a := mount(t, backing, Options{})
	b := mount(t, backing, Options{})
	if _, err := flock(t, filepath.Join(a.Dir, "w.lock")); err != nil {
		t.Fatalf("first lock through mount a: %v", err)
	}
	if _, err := flock(t, filepath.Join(a.Dir, "w.lock")); !errors.Is(err, syscall.EWOULDBLOCK) {
		t.Errorf("second lock through the same mount: %v, want EWOULDBLOCK", err)
	}
	if _, err := flock(t, filepath.Join(b.Dir, "w.lock")); err != nil {
		t.Errorf("lock through another mount: %v, want success (no cross-mount locks)", err)
	}
	if _, err := flock(t, filepath.Join(backing, "w.lock")); err != nil {
		t.Errorf("lock on the backing file: %v, want success", err)
	}
}

func TestValidate(t *testing.T) {
	for _, o := range []Options{{AttrTimeout: -1}, {RenameENOENT: 2}, {RenameENOENT: -0.1}} {
		if o.Validate() == nil {
			t.Errorf("%+v validated", o)
		}
	}
	if err := (Options{AttrTimeout: time.Second, RenameENOENT: 0.5}).Validate(); err != nil {
		t.Error(err)
	}
}
