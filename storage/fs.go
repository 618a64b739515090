package storage

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// file is the part of *os.File this package uses. It exists so that tests can fail any write,
// sync or close.
type file interface {
	io.Reader
	io.Writer
	Sync() error
	Close() error
	Stat() (fs.FileInfo, error)
}

// fileSystem is every system call this package makes on the experiment directory, behind a small
// interface so that tests can inject faults (fail the Nth mkdir, write, sync, close, rename,
// remove, link) and check that nothing half-done becomes visible.
type fileSystem interface {
	Mkdir(name string, perm fs.FileMode) error
	OpenFile(name string, flag int, perm fs.FileMode) (file, error)
	Rename(oldpath, newpath string) error
	Link(oldpath, newpath string) error
	Remove(name string) error
	ReadDir(name string) ([]fs.DirEntry, error)
	Lstat(name string) (fs.FileInfo, error)
	Chtimes(name string, atime, mtime time.Time) error
}

// osFS is the real file system.
type osFS struct{}

func (osFS) Mkdir(name string, perm fs.FileMode) error { return os.Mkdir(name, perm) }

func (osFS) OpenFile(name string, flag int, perm fs.FileMode) (file, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (osFS) Rename(oldpath, newpath string) error       { return os.Rename(oldpath, newpath) }
func (osFS) Link(oldpath, newpath string) error         { return os.Link(oldpath, newpath) }
func (osFS) Remove(name string) error                   { return os.Remove(name) }
func (osFS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }
func (osFS) Lstat(name string) (fs.FileInfo, error)     { return os.Lstat(name) }
func (osFS) Chtimes(name string, atime, mtime time.Time) error {
	return os.Chtimes(name, atime, mtime)
}

// isGoneErr reports whether err means the entry vanished under us: it was renamed or removed
// (ENOENT, ENOTDIR), its NFS handle went stale (ESTALE), or it is a symlink we refuse (ELOOP).
func isGoneErr(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESTALE) ||
		errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.ELOOP)
}

// isExistErr reports whether err means the destination already exists. rename(2) of a
// directory onto a non-empty directory reports ENOTEMPTY or EEXIST depending on the system.
func isExistErr(err error) bool {
	return errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ENOTEMPTY)
}
