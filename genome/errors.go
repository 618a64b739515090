package genome

import (
	"errors"
	"fmt"
)

// Error style, the same in storage, population, genome, train, train/checkpoint and train/data: a
// message starts with the package prefix ("genome: ") exactly once, then says what was being done
// to which file or value, and what to do about it; wrapped errors come last, so that a chain
// reads from the outside in: fmt.Errorf("genome: read %s: %w", path, err). Sentinels carry no
// prefix ("invalid genome", not "genome: invalid genome"): they end a message as its kind and errors.Is finds them.
// Unexported helpers return errors without the prefix; the exported function that passes them
// on adds it once.
//
// Sentinel errors. Callers test for them with errors.Is.
var (
	// ErrInvalid wraps every structural or range error found by Validate.
	ErrInvalid = errors.New("invalid genome")
	// ErrFormat wraps every error of Decode that is about the encoding rather than the genome:
	// malformed JSON, unknown fields, a missing or unknown format version, trailing data, size.
	ErrFormat = errors.New("bad encoding")
	// ErrOverflow is returned by the cost functions when a count does not fit in an int64.
	ErrOverflow = errors.New("count overflows int64")
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

// Error reads like "genome: edge e12: channels 0 out of range [1, 65536]", or
// "genome: vertices count 0 out of range" when the part is the genome itself.
func (e *ValidationError) Error() string {
	part := "genome: " + e.Part + ": "
	if e.Part == "genome" {
		part = "genome: "
	}
	if e.Field == "" {
		return part + e.Problem
	}
	return part + e.Field + " " + e.Problem
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

func invalid(part, field, format string, args ...any) error {
	return &ValidationError{Part: part, Field: field, Problem: fmt.Sprintf(format, args...)}
}
