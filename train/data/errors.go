package data

import (
	"errors"
	"fmt"
)

// Error style, the same in storage, population, genome, train, train/checkpoint and train/data: a
// message starts with the package prefix ("data: ") exactly once, then says what was being done
// to which file or value, and what to do about it; wrapped errors come last, so that a chain
// reads from the outside in: fmt.Errorf("data: read %s: %w", path, err). Sentinels carry no
// prefix ("unknown data set", not "data: unknown data set"): they end a message as its kind and errors.Is finds them.
// Unexported helpers return errors without the prefix; the exported function that passes them
// on adds it once.
//
// Sentinel errors; callers test them with errors.Is. Every returned error also names the data
// set, file or value concerned and what to do about it.
var (
	// ErrUnknown: the requested data set name is not one of Names().
	ErrUnknown = errors.New("unknown data set")
	// ErrMissing: the data set's files are not on disk (and were not downloaded).
	ErrMissing = errors.New("data set not found")
	// ErrMalformed: a data file exists but its size, header or contents are wrong.
	ErrMalformed = errors.New("malformed data file")
	// ErrChecksum: a downloaded archive does not have the expected MD5 sum.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrDownload: fetching or unpacking an archive failed.
	ErrDownload = errors.New("download failed")
)

// malformed builds an ErrMalformed error naming the file, what is wrong, and the remedy.
func malformed(path, remedy, format string, args ...any) error {
	return fmt.Errorf("data: %s: %s; %s: %w", path, fmt.Sprintf(format, args...), remedy, ErrMalformed)
}
