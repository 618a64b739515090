package checkpoint

import "errors"

// Sentinel errors of Read and Write; match them with errors.Is. Every error the package returns
// wraps exactly one of them, except I/O errors of the underlying writer.
var (
	// ErrFormat: the bytes are not a valid evo checkpoint (bad JSON, dtype, shape, offsets,
	// duplicate keys, metadata, trailing bytes), or Write was given an inconsistent tensor.
	ErrFormat = errors.New("checkpoint: malformed")
	// ErrTruncated: the file ends before the length its header announces.
	ErrTruncated = errors.New("checkpoint: truncated")
	// ErrChecksum: the tensor data does not hash to the sha256 in the header's metadata.
	ErrChecksum = errors.New("checkpoint: checksum mismatch")
	// ErrTooLarge: the header, the tensor count or the total size exceeds the Limits.
	ErrTooLarge = errors.New("checkpoint: too large")
)
