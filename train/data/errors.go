package data

import (
	"errors"
	"fmt"
)

// Sentinel errors; callers test them with errors.Is. Every returned error also names the data
// set, file or value concerned and what to do about it.
var (
	// ErrUnknown: the requested data set name is not one of Names().
	ErrUnknown = errors.New("data: unknown data set")
	// ErrMissing: the data set's files are not on disk (and were not downloaded).
	ErrMissing = errors.New("data: data set not found")
	// ErrMalformed: a data file exists but its size, header or contents are wrong.
	ErrMalformed = errors.New("data: malformed data file")
	// ErrChecksum: a downloaded archive does not have the expected MD5 sum.
	ErrChecksum = errors.New("data: checksum mismatch")
	// ErrDownload: fetching or unpacking an archive failed.
	ErrDownload = errors.New("data: download failed")
)

// malformed builds an ErrMalformed error naming the file, what is wrong, and the remedy.
func malformed(path, remedy, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s; %s", ErrMalformed, path, fmt.Sprintf(format, args...), remedy)
}
