//go:build linux

package nfsfuse

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// Options configures a mount. The zero value caches nothing and injects no faults.
type Options struct {
	// AttrTimeout is how long the kernel keeps a file's attributes (NFS actimeo); 0: none.
	AttrTimeout time.Duration
	// EntryTimeout is how long the kernel keeps a name lookup; 0: none.
	EntryTimeout time.Duration
	// DirCacheTimeout is how long a directory listing is served from this mount's cache; 0: none.
	DirCacheTimeout time.Duration
	// RenameENOENT is the probability (0 to 1) that a successful rename reports ENOENT.
	RenameENOENT float64
	// Seed seeds the random source of the rename faults.
	Seed int64
	// Now is the clock of the listing cache; nil means time.Now.
	Now func() time.Time
}

// Validate checks the options.
func (o Options) Validate() error {
	if o.AttrTimeout < 0 || o.EntryTimeout < 0 || o.DirCacheTimeout < 0 {
		return fmt.Errorf("nfsfuse: negative timeout in %+v; use 0 for no caching", o)
	}
	if o.RenameENOENT < 0 || o.RenameENOENT > 1 {
		return fmt.Errorf("nfsfuse: rename ENOENT probability %v is outside [0, 1]", o.RenameENOENT)
	}
	return nil
}

// Stats counts what a mount did that a local filesystem would not have.
type Stats struct {
	RenameENOENT int64 // successful renames reported as ENOENT
	Stale        int64 // operations answered with ESTALE
	DirCacheHits int64 // listings served from the cache
}

// Mount is one mounted client of a backing directory.
type Mount struct {
	Dir     string // where it is mounted
	Backing string // the directory it mirrors
	server  *fuse.Server
	st      *state
}

// state is shared by every node of one mount.
type state struct {
	opts    Options
	now     func() time.Time
	mu      sync.Mutex
	rng     *rand.Rand
	dirs    map[string]cachedDir // relative path → listing
	renames atomic.Int64
	stale   atomic.Int64
	hits    atomic.Int64
}

type cachedDir struct {
	entries []fuse.DirEntry
	at      time.Time
}

// Available reports whether this process can mount: it needs /dev/fuse and root. The error
// says what is missing.
func Available() error {
	if os.Geteuid() != 0 {
		return errors.New("nfsfuse: mounting needs root (run the test as root)")
	}
	f, err := os.OpenFile("/dev/fuse", os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("nfsfuse: /dev/fuse cannot be opened (load the fuse module or give the container the device): %w", err)
	}
	return f.Close()
}

// New mounts backing at dir (an existing empty directory) and serves it until Unmount.
func New(dir, backing string, o Options) (*Mount, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	backing, err := filepath.Abs(backing)
	if err != nil {
		return nil, fmt.Errorf("nfsfuse: backing directory %s: %w", backing, err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(backing, &st); err != nil {
		return nil, fmt.Errorf("nfsfuse: backing directory %s: %w", backing, err)
	}
	s := &state{opts: o, now: o.Now, rng: rand.New(rand.NewPCG(uint64(o.Seed), 0)), dirs: map[string]cachedDir{}}
	if s.now == nil {
		s.now = time.Now
	}
	lroot := &fs.LoopbackRoot{Path: backing, Dev: uint64(st.Dev)}
	lroot.NewNode = func(r *fs.LoopbackRoot, _ *fs.Inode, _ string, st *syscall.Stat_t) fs.InodeEmbedder {
		return &node{LoopbackNode: fs.LoopbackNode{RootData: r}, st: s, ino: st.Ino}
	}
	root := lroot.NewNode(lroot, nil, "", &st)
	lroot.RootNode = root
	attr, entry, negative := o.AttrTimeout, o.EntryTimeout, time.Duration(0)
	server, err := fs.Mount(dir, root, &fs.Options{
		AttrTimeout:     &attr,
		EntryTimeout:    &entry,
		NegativeTimeout: &negative,
		MountOptions: fuse.MountOptions{
			FsName:             backing,
			Name:               "nfsfuse",
			DirectMountStrict:  true,
			DisableReadDirPlus: true, // listings come from the cache, lookups from the backing directory
			// EnableLocks stays false: the kernel keeps flock and POSIX locks per mount.
		},
	})
	if err != nil {
		return nil, fmt.Errorf("nfsfuse: mount %s at %s: %w", backing, dir, err)
	}
	return &Mount{Dir: dir, Backing: backing, server: server, st: s}, nil
}

// Stats returns the mount's fault and cache counters.
func (m *Mount) Stats() Stats {
	return Stats{RenameENOENT: m.st.renames.Load(), Stale: m.st.stale.Load(), DirCacheHits: m.st.hits.Load()}
}

// Unmount unmounts and waits for the server to stop. It retries while the mount is busy.
func (m *Mount) Unmount() error {
	var err error
	for range 50 {
		if err = m.server.Unmount(); err == nil {
			m.server.Wait()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("nfsfuse: unmount %s: %w", m.Dir, err)
}

// node is a loopback node that knows the backing inode it was looked up as.
type node struct {
	fs.LoopbackNode
	st  *state
	ino uint64
}

func (n *node) backingPath() string {
	return filepath.Join(n.RootData.Path, n.Path(n.RootData.RootNode.EmbeddedInode()))
}

// check returns ESTALE if the backing object of n is gone or was replaced.
func (n *node) check() syscall.Errno {
	if n.EmbeddedInode() == n.RootData.RootNode.EmbeddedInode() {
		return 0
	}
	var st syscall.Stat_t
	if err := syscall.Lstat(n.backingPath(), &st); err != nil || st.Ino != n.ino {
		n.st.stale.Add(1)
		return syscall.ESTALE
	}
	return 0
}

var (
	_ fs.NodeGetattrer       = (*node)(nil)
	_ fs.NodeOpener          = (*node)(nil)
	_ fs.NodeOpendirHandler  = (*node)(nil)
	_ fs.NodeRenamer         = (*node)(nil)
	_ fs.NodeSetattrer       = (*node)(nil)
	_ fs.NodeStatxer         = (*node)(nil)
	_ fs.NodeLookuper        = (*node)(nil)
	_ fs.NodeCreater         = (*node)(nil)
	_ fs.FileReader          = (*handle)(nil)
	_ fs.FileWriter          = (*handle)(nil)
	_ fs.FileGetattrer       = (*handle)(nil)
	_ fs.FilePassthroughFder = (*handle)(nil)
)

// Lookup fails with ESTALE when the directory itself is stale.
func (n *node) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	if e := n.check(); e != 0 {
		return nil, e
	}
	return n.LoopbackNode.Lookup(ctx, name, out)
}

// Getattr answers from the backing object, or ESTALE.
func (n *node) Getattr(ctx context.Context, f fs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	if f != nil {
		return n.LoopbackNode.Getattr(ctx, f, out)
	}
	if e := n.check(); e != 0 {
		return e
	}
	return n.LoopbackNode.Getattr(ctx, nil, out)
}

// Statx is Getattr for kernels that ask with statx.
func (n *node) Statx(ctx context.Context, f fs.FileHandle, flags, mask uint32, out *fuse.StatxOut) syscall.Errno {
	if f == nil {
		if e := n.check(); e != 0 {
			return e
		}
	}
	return n.LoopbackNode.Statx(ctx, f, flags, mask, out)
}

// Setattr fails with ESTALE on a stale node.
func (n *node) Setattr(ctx context.Context, f fs.FileHandle, in *fuse.SetAttrIn, out *fuse.AttrOut) syscall.Errno {
	if f == nil {
		if e := n.check(); e != 0 {
			return e
		}
	}
	return n.LoopbackNode.Setattr(ctx, f, in, out)
}

// Create creates the backing file; its handle goes stale like an opened one.
func (n *node) Create(ctx context.Context, name string, flags, mode uint32, out *fuse.EntryOut) (*fs.Inode, fs.FileHandle, uint32, syscall.Errno) {
	if e := n.check(); e != 0 {
		return nil, nil, 0, e
	}
	ch, fh, fl, errno := n.LoopbackNode.Create(ctx, name, flags, mode, out)
	if lf, ok := fh.(*fs.LoopbackFile); ok {
		fh = &handle{LoopbackFile: lf, st: n.st}
	}
	return ch, fh, fl, errno
}

// Open opens the backing file; the kernel drops its page cache at every open (no
// FOPEN_KEEP_CACHE), which is close-to-open consistency.
func (n *node) Open(ctx context.Context, flags uint32) (fs.FileHandle, uint32, syscall.Errno) {
	if e := n.check(); e != 0 {
		return nil, 0, e
	}
	flags &^= syscall.O_APPEND | fuse.FMODE_EXEC
	fd, err := syscall.Open(n.backingPath(), int(flags)|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, syscall.ENOENT) {
			n.st.stale.Add(1)
			return nil, 0, syscall.ESTALE
		}
		return nil, 0, fs.ToErrno(err)
	}
	return &handle{LoopbackFile: fs.NewLoopbackFile(fd).(*fs.LoopbackFile), st: n.st}, 0, 0
}

// OpendirHandle serves the listing from the cache while it is younger than DirCacheTimeout.
func (n *node) OpendirHandle(ctx context.Context, flags uint32) (fs.FileHandle, uint32, syscall.Errno) {
	if e := n.check(); e != 0 {
		return nil, 0, e
	}
	key := n.Path(n.RootData.RootNode.EmbeddedInode())
	s := n.st
	now := s.now()
	s.mu.Lock()
	c, ok := s.dirs[key]
	s.mu.Unlock()
	if ok && now.Sub(c.at) < s.opts.DirCacheTimeout {
		s.hits.Add(1)
		return fs.NewListDirStream(c.entries).(fs.FileHandle), 0, 0
	}
	entries, errno := readDir(n.backingPath())
	if errno != 0 {
		return nil, 0, errno
	}
	if s.opts.DirCacheTimeout > 0 {
		s.mu.Lock()
		s.dirs[key] = cachedDir{entries: entries, at: now}
		s.mu.Unlock()
	}
	return fs.NewListDirStream(entries).(fs.FileHandle), 0, 0
}

func readDir(path string) ([]fuse.DirEntry, syscall.Errno) {
	ds, errno := fs.NewLoopbackDirStream(path)
	if errno != 0 {
		return nil, errno
	}
	defer ds.Close()
	var out []fuse.DirEntry
	for ds.HasNext() {
		e, errno := ds.Next()
		if errno != 0 {
			return nil, errno
		}
		out = append(out, e)
	}
	return out, 0
}

// Rename renames in the backing directory and, with probability RenameENOENT, reports ENOENT
// after success. The mount's own view then still holds the old name until its caches expire,
// as on an NFS client that saw the error.
func (n *node) Rename(ctx context.Context, name string, newParent fs.InodeEmbedder, newName string, flags uint32) syscall.Errno {
	if e := n.check(); e != 0 {
		return e
	}
	if errno := n.LoopbackNode.Rename(ctx, name, newParent, newName, flags); errno != 0 {
		return errno
	}
	s := n.st
	s.mu.Lock()
	lie := s.opts.RenameENOENT > 0 && s.rng.Float64() < s.opts.RenameENOENT
	s.mu.Unlock()
	if !lie {
		return 0
	}
	s.renames.Add(1)
	// The kernel keeps the old dentry on an error; drop the old name from this mount's tree so
	// that the node is reached again only through a fresh lookup of the new name.
	n.RmChild(name)
	return syscall.ENOENT
}

// handle is an open file; reads and writes fail with ESTALE once the file was deleted.
type handle struct {
	*fs.LoopbackFile
	st *state
}

func (h *handle) stale(ctx context.Context) bool {
	var a fuse.AttrOut
	if h.LoopbackFile.Getattr(ctx, &a) == 0 && a.Nlink == 0 {
		h.st.stale.Add(1)
		return true
	}
	return false
}

// Read reads from the backing file unless it was deleted.
func (h *handle) Read(ctx context.Context, buf []byte, off int64) (fuse.ReadResult, syscall.Errno) {
	if h.stale(ctx) {
		return nil, syscall.ESTALE
	}
	return h.LoopbackFile.Read(ctx, buf, off)
}

// Write writes to the backing file unless it was deleted.
func (h *handle) Write(ctx context.Context, data []byte, off int64) (uint32, syscall.Errno) {
	if h.stale(ctx) {
		return 0, syscall.ESTALE
	}
	return h.LoopbackFile.Write(ctx, data, off)
}

// Getattr through a handle: ESTALE once the file was deleted.
func (h *handle) Getattr(ctx context.Context, out *fuse.AttrOut) syscall.Errno {
	if errno := h.LoopbackFile.Getattr(ctx, out); errno != 0 {
		return errno
	}
	if out.Nlink == 0 {
		h.st.stale.Add(1)
		return syscall.ESTALE
	}
	return 0
}

// PassthroughFd refuses kernel passthrough, so that every read comes through Read.
func (h *handle) PassthroughFd() (int, bool) { return -1, false }
