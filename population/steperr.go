package population

import (
	"errors"
	"fmt"
)

// Internal signals of a step.
var (
	// errStopRequested: the stop control was set while a child trained.
	errStopRequested = errors.New("population: stop requested")
	// errBudget: a stop condition was reached while a child trained.
	errBudget = errors.New("population: budget reached")
)

// stepError says at which stage of a step an error happened and, for a child that was
// trained but not published, its status and the FLOPs it cost.
type stepError struct {
	stage  string
	status string
	flops  float64
	err    error
}

func (e *stepError) Error() string { return e.stage + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

// at wraps err with the stage it happened at (nil stays nil).
func at(stage string, err error) error {
	if err == nil {
		return nil
	}
	return &stepError{stage: stage, err: err}
}

// failedChild is a child that the trainer trained but refused (a status other than ok or
// diverged, e.g. too large).
func failedChild(status, reason string, flops float64) error {
	return &stepError{stage: "train", status: status, flops: flops,
		err: fmt.Errorf("population: child status %q: %s: %w", status, reason, ErrFailed)}
}

// stageOf returns the stage of err, or "step".
func stageOf(err error) string {
	var se *stepError
	if errors.As(err, &se) {
		return se.stage
	}
	return "step"
}
