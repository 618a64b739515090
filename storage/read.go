package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// List returns the ids of the alive individuals, sorted (by birth). It is one readdir: records
// are not read, so it stays cheap for populations of 10,000 and more. Foreign names (anything
// not shaped like an id, and non-directories) are skipped and logged; the checker reports them.
// An entry listed here may be torn or vanish before it is read: Record then says ErrGone.
func (r *Root) List() ([]string, error) {
	entries, err := r.fs.ReadDir(r.path(dirPopulation))
	if err != nil {
		return nil, fmt.Errorf("storage: list: %w", err)
	}
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		if !e.IsDir() || !idRE.MatchString(e.Name()) {
			r.log.Debug("storage: skipping foreign entry in population", "name", e.Name())
			continue
		}
		ids = append(ids, e.Name())
	}
	slices.Sort(ids) // os.ReadDir sorts already; an injected file system may not
	return ids, nil
}

// Record reads and validates the record of the alive individual id. A vanished, ESTALE, torn or
// corrupt individual is ErrGone: the caller picks another.
func (r *Root) Record(id string) (*Record, error) {
	if err := checkID(id); err != nil {
		return nil, fmt.Errorf("storage: record: %w", err)
	}
	return r.readRecord(r.path(dirPopulation, id), id)
}

// readRecord reads the record of the individual directory dir, whose id must be id. The
// directory itself must not be a symlink.
func (r *Root) readRecord(dir, id string) (*Record, error) {
	st, err := r.fs.Lstat(dir)
	if err != nil {
		return nil, goneErr(id, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("storage: %s: not a directory (symlinks are not followed): %w", id, ErrGone)
	}
	data, err := r.readSmall(filepath.Join(dir, recordFileName), MaxRecordSize)
	if err != nil {
		return nil, goneErr(id, err)
	}
	rec, err := decodeRecord(data, id)
	if err != nil {
		return nil, fmt.Errorf("storage: %s: %v: %w", id, err, ErrGone)
	}
	return rec, nil
}

// goneErr wraps any failure to read an individual as ErrGone, keeping the cause in the text.
func goneErr(id string, err error) error {
	if isGoneErr(err) {
		return fmt.Errorf("storage: %s: vanished (%v): %w", id, err, ErrGone)
	}
	return fmt.Errorf("storage: %s: unreadable (%v): %w", id, err, ErrGone)
}

// ReadFile reads the whole file name of the alive individual id, verifying its size and SHA-256
// against the record. A file larger than max is refused before anything is read (ErrTooLarge).
// A mismatch, a vanished file or an ESTALE handle is ErrGone.
func (r *Root) ReadFile(id, name string, max int64) ([]byte, error) {
	rc, size, err := r.openVerified(id, name)
	if err != nil {
		return nil, err
	}
	if size > max {
		rc.Close()
		return nil, fmt.Errorf("storage: %s/%s: %d bytes, limit %d: %w", id, name, size, max, ErrTooLarge)
	}
	return readVerified(rc, size)
}

// OpenFile opens file name of the alive individual id for streaming. The reader checks size and
// SHA-256 when it reaches the end: a mismatch is ErrGone from Read (at EOF) or Close. Close
// before EOF does not verify and returns only the close error.
func (r *Root) OpenFile(id, name string) (io.ReadCloser, error) {
	rc, _, err := r.openVerified(id, name)
	return rc, err
}

// openVerified opens a file of an individual and checks its size against the record first.
func (r *Root) openVerified(id, name string) (*verifyingReader, int64, error) {
	if err := checkFileName(name); err != nil {
		return nil, 0, fmt.Errorf("storage: read %s: %w", id, err)
	}
	rec, err := r.Record(id)
	if err != nil {
		return nil, 0, err
	}
	fi, ok := rec.Files[name]
	if !ok {
		return nil, 0, fmt.Errorf("storage: %s has no file %q (it has %s)", id, name, strings.Join(slices.Sorted(maps.Keys(rec.Files)), ", "))
	}
	v, err := r.openChecked(r.path(dirPopulation, id), id, name, fi)
	if err != nil {
		return nil, 0, err
	}
	return v, fi.Size, nil
}

// openChecked opens file name of individual id in dir (population/<id> or its grave), whose
// record says fi, and checks its type and size before anything is read.
func (r *Root) openChecked(dir, id, name string, fi FileInfo) (*verifyingReader, error) {
	f, err := r.fs.OpenFile(filepath.Join(dir, name), os.O_RDONLY|openNoFollow, 0)
	if err != nil {
		return nil, goneErr(id, err)
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() != fi.Size {
		f.Close()
		return nil, fmt.Errorf("storage: %s/%s: size or type differs from the record: %w", id, name, ErrGone)
	}
	return &verifyingReader{f: f, id: id, name: name, want: fi, h: sha256.New()}, nil
}

// readVerified reads all of v (size bytes) and closes it; a mismatch with the record is ErrGone.
func readVerified(v *verifyingReader, size int64) ([]byte, error) {
	defer v.Close()
	var buf bytes.Buffer
	buf.Grow(int(size))
	if _, err := io.Copy(&buf, v); err != nil {
		return nil, err
	}
	if err := v.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// verifyingReader hashes what it reads and checks the record at EOF.
type verifyingReader struct {
	f        file
	id, name string
	want     FileInfo
	h        hash.Hash
	n        int64
	verified error // nil until EOF; then the verdict
	atEOF    bool
	closed   bool
}

func (v *verifyingReader) Read(p []byte) (int, error) {
	if v.atEOF {
		if v.verified != nil {
			return 0, v.verified
		}
		return 0, io.EOF
	}
	n, err := v.f.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	if v.n > v.want.Size {
		v.atEOF = true
		v.verified = fmt.Errorf("storage: %s/%s: longer than its record says: %w", v.id, v.name, ErrGone)
		return n, v.verified
	}
	if errors.Is(err, io.EOF) {
		v.atEOF = true
		if v.n != v.want.Size {
			v.verified = fmt.Errorf("storage: %s/%s: %d bytes, record says %d: %w", v.id, v.name, v.n, v.want.Size, ErrGone)
		} else if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want.SHA256 {
			v.verified = fmt.Errorf("storage: %s/%s: checksum mismatch: %w", v.id, v.name, ErrGone)
		}
		if v.verified != nil {
			return n, v.verified
		}
		return n, io.EOF
	}
	if err != nil {
		return n, goneErr(v.id, err)
	}
	return n, nil
}

func (v *verifyingReader) Close() error {
	if v.closed {
		return v.verified
	}
	v.closed = true
	err := v.f.Close()
	if v.verified != nil {
		return v.verified
	}
	return err
}

// DeadRecord reads the record of a killed individual while its grave still exists (the garbage
// collector removes graves after GCOptions.Grace). ErrGone if there is no grave for id.
func (r *Root) DeadRecord(id string) (*Record, error) {
	_, rec, err := r.deadGrave(id)
	return rec, err
}

// deadGrave returns the grave directory of the killed individual id and its record.
func (r *Root) deadGrave(id string) (dir string, rec *Record, err error) {
	if err := checkID(id); err != nil {
		return "", nil, fmt.Errorf("storage: dead record: %w", err)
	}
	graves, err := r.gravesOf(id)
	if err != nil {
		return "", nil, err
	}
	if len(graves) == 0 {
		return "", nil, fmt.Errorf("storage: %s: no grave (never killed, or collected): %w", id, ErrGone)
	}
	dir = r.path(dirGraveyard, graves[0])
	rec, err = r.readRecord(dir, id)
	return dir, rec, err
}

// gravesOf returns the graveyard names of id (normally zero or one).
func (r *Root) gravesOf(id string) ([]string, error) {
	entries, err := r.fs.ReadDir(r.path(dirGraveyard))
	if err != nil {
		return nil, fmt.Errorf("storage: read graveyard: %w", err)
	}
	var names []string
	for _, e := range entries {
		if gid, _, _, ok := parseGrave(e.Name()); ok && gid == id {
			names = append(names, e.Name())
		}
	}
	return names, nil
}
