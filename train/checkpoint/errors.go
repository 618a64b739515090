package checkpoint

import "errors"

// Error style, the same in storage, population, genome, train, train/checkpoint and train/data: a
// message starts with the package prefix ("checkpoint: ") exactly once, then says what was being done
// to which file or value, and what to do about it; wrapped errors come last, so that a chain
// reads from the outside in: fmt.Errorf("checkpoint: read %s: %w", path, err). Sentinels carry no
// prefix ("malformed", not "checkpoint: malformed"): they end a message as its kind and errors.Is finds them.
// Unexported helpers return errors without the prefix; the exported function that passes them
// on adds it once.
//
// Sentinel errors of Read and Write; match them with errors.Is. Every error the package returns
// wraps exactly one of them, except I/O errors of the underlying writer.
var (
	// ErrFormat: the bytes are not a valid evo checkpoint (bad JSON, dtype, shape, offsets,
	// duplicate keys, metadata, trailing bytes), or Write was given an inconsistent tensor.
	ErrFormat = errors.New("malformed")
	// ErrTruncated: the file ends before the length its header announces.
	ErrTruncated = errors.New("truncated")
	// ErrChecksum: the tensor data does not hash to the sha256 in the header's metadata.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrTooLarge: the header, the tensor count or the total size exceeds the Limits.
	ErrTooLarge = errors.New("too large")
)
