package genome

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers test for them with errors.Is.
var (
	// ErrInvalid wraps every structural or range error found by Validate.
	ErrInvalid = errors.New("genome: invalid genome")
	// ErrFormat wraps every error of Decode that is about the encoding rather than the genome:
	// malformed JSON, unknown fields, a missing or unknown format version, trailing data, size.
	ErrFormat = errors.New("genome: bad encoding")
	// ErrOverflow is returned by the cost functions when a count does not fit in an int64.
	ErrOverflow = errors.New("genome: count overflows int64")
)

// ValidationError names the part of a genome that is wrong (e.g. "edge e12"), the field, and
// what is wrong with it. It unwraps to ErrInvalid.
type ValidationError struct {
	// Part is "genome", "vertex <id>", "edge <id>" or "head <id>".
	Part string
	// Field is the JSON name of the offending field ("channels", "from", …); may be empty.
	Field string
	// Problem says what is wrong and, where it helps, what would be right.
	Problem string
}

// Error reads like "genome: edge e12: channels 0 out of range [1, 65536]".
func (e *ValidationError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("genome: %s: %s", e.Part, e.Problem)
	}
	return fmt.Sprintf("genome: %s: %s %s", e.Part, e.Field, e.Problem)
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

func invalid(part, field, format string, args ...any) error {
	return &ValidationError{Part: part, Field: field, Problem: fmt.Sprintf(format, args...)}
}
