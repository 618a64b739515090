//go:build unix

package storage

import (
	"errors"
	"io/fs"
	"syscall"
)

// openNoFollow is the flag added to every open of a file inside the experiment, so that a
// symlink planted in the tree is never followed out of it.
const openNoFollow = syscall.O_NOFOLLOW

// openDirectory is the flag for opening a directory to fsync it.
const openDirectory = syscall.O_DIRECTORY

// checkPlatform reports whether this system offers what the experiment protocol relies on.
func checkPlatform() error { return nil }

// inodeOf returns the inode number of fi, or 0 where the system does not give one.
func inodeOf(fi fs.FileInfo) uint64 {
	if s, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(s.Ino)
	}
	return 0
}

// deviceOf returns the device number of the filesystem holding fi, or 0 where unknown.
func deviceOf(fi fs.FileInfo) uint64 {
	if s, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(s.Dev)
	}
	return 0
}

// pidExists reports whether pid may be a live process (signal 0 does not fail with ESRCH).
func pidExists(pid int) bool {
	if pid <= 0 {
		return true
	}
	err := syscall.Kill(pid, 0)
	return !errors.Is(err, syscall.ESRCH)
}
