package storage

import (
	"fmt"
	"path/filepath"
	"slices"
)

// ValidName reports whether s is safe as one path component of an experiment: 1-128 letters,
// digits, '_', '-' and '.', starting with a letter or digit (no separators, no "..", no control
// characters). Worker names, file names and individual ids all have this shape; commands use it
// to keep user input out of paths.
func ValidName(s string) bool { return nameRE.MatchString(s) }

// ReadDeadFile reads the whole file name of the killed individual id from its grave, verifying
// its size and SHA-256 against the grave's record exactly as ReadFile does for an alive
// individual (symlinks are not followed). A file larger than max is refused before anything is
// read (ErrTooLarge). No grave, a mismatch or a vanished file is ErrGone.
func (r *Root) ReadDeadFile(id, name string, max int64) ([]byte, error) {
	if err := checkFileName(name); err != nil {
		return nil, fmt.Errorf("storage: read dead %s: %w", id, err)
	}
	dir, rec, err := r.deadGrave(id)
	if err != nil {
		return nil, err
	}
	fi, ok := rec.Files[name]
	if !ok {
		return nil, fmt.Errorf("storage: %s: no %s in its grave: %w", id, name, ErrGone)
	}
	if fi.Size > max {
		return nil, fmt.Errorf("storage: %s/%s: %d bytes, limit %d: %w", id, name, fi.Size, max, ErrTooLarge)
	}
	v, err := r.openChecked(dir, id, name, fi)
	if err != nil {
		return nil, err
	}
	return readVerified(v, fi.Size)
}

// Files returns the directory of individual id and the paths of the files in it, for a person
// to look at: population/<id> when alive is true, else its grave while one exists. Both are
// empty when there is no such directory (a collected grave, a vanished individual, a bad id).
func (r *Root) Files(id string, alive bool) (dir string, files []string) {
	if !idRE.MatchString(id) {
		return "", nil
	}
	if alive {
		dir = r.path(dirPopulation, id)
	} else {
		graves, err := r.gravesOf(id)
		if err != nil || len(graves) == 0 {
			return "", nil
		}
		dir = r.path(dirGraveyard, graves[0])
	}
	if st, err := r.fs.Lstat(dir); err != nil || !st.IsDir() {
		return "", nil
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	entries, err := r.fs.ReadDir(dir)
	if err != nil {
		return "", nil
	}
	for _, e := range entries {
		files = append(files, filepath.Join(dir, e.Name()))
	}
	slices.Sort(files)
	return dir, files
}
