package storage

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// syncDir fsyncs a directory so that a rename or create inside it survives a crash. File systems
// that cannot fsync a directory answer EINVAL or ENOTSUP; that is tolerated, as Prometheus and
// restic do, because there is nothing more we could do there.
func (r *Root) syncDir(dir string) error {
	d, err := r.fs.OpenFile(dir, os.O_RDONLY|openDirectory, 0)
	if err != nil {
		return fmt.Errorf("sync dir %s: %w", dir, err)
	}
	err = d.Sync()
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		err = nil
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync dir %s: %w", dir, err)
	}
	return nil
}

// writeNew creates path (which must not exist), writes data, fsyncs and closes it. Sync before
// close (and before any rename that publishes it): after a crash a reader could otherwise see a
// zero-length or short file under the final name.
func (r *Root) writeNew(path string, data []byte) (err error) {
	f, err := r.fs.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|openNoFollow, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			r.fs.Remove(path)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	err = f.Close()
	f = nopCloser{f}
	return err
}

// nopCloser keeps the deferred cleanup in writeNew from closing a file twice.
type nopCloser struct{ file }

func (nopCloser) Close() error { return nil }

// replaceFile atomically replaces dst (heartbeats, control.json): the bytes are written to a
// temporary file in staging/ named for the writer, fsynced, given mtime unless it is zero, then renamed
// over dst, then dst's directory is fsynced. A crash leaves either the old or the new content,
// and at worst a temporary file that the garbage collector removes.
func (r *Root) replaceFile(dst, owner string, data []byte, mtime time.Time) error {
	tmp := filepath.Join(r.dir, dirStaging, owner+".tmp-"+randomHex(8))
	if err := r.writeNew(tmp, data); err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	if !mtime.IsZero() {
		if err := r.fs.Chtimes(tmp, mtime, mtime); err != nil {
			r.fs.Remove(tmp)
			return fmt.Errorf("write %s: %w", dst, err)
		}
	}
	if err := r.fs.Rename(tmp, dst); err != nil {
		r.fs.Remove(tmp)
		return fmt.Errorf("write %s: %w", dst, err)
	}
	if err := r.syncDir(filepath.Dir(dst)); err != nil {
		r.log.Warn("storage: replaced file but could not sync its directory", "file", dst, "err", err)
	}
	return nil
}

// readSmall reads a whole file of at most max bytes without following a symlink; the size is
// checked with fstat before anything is read into memory.
func (r *Root) readSmall(path string, max int64) ([]byte, error) {
	f, err := r.fs.OpenFile(path, os.O_RDONLY|openNoFollow, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%s is %d bytes, limit %d: %w", path, st.Size(), max, ErrTooLarge)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s grew past %d bytes while being read: %w", path, max, ErrTooLarge)
	}
	return data, nil
}

// removeAll removes path and everything below it without following symlinks (a symlink is
// removed, never its target). A missing path is success, so removal is idempotent.
func (r *Root) removeAll(path string) error {
	st, err := r.fs.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.IsDir() {
		entries, err := r.fs.ReadDir(path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		for _, e := range entries {
			if err := r.removeAll(filepath.Join(path, e.Name())); err != nil {
				return err
			}
		}
	}
	if err := r.fs.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
