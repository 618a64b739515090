package population

import (
	"errors"

	"evo/storage"
)

// Error style, the same in storage, population, genome, train, train/checkpoint and train/data: a
// message starts with the package prefix ("population: ") exactly once, then says what was being done
// to which file or value, and what to do about it; wrapped errors come last, so that a chain
// reads from the outside in: fmt.Errorf("population: read %s: %w", path, err). Sentinels carry no
// prefix ("unknown individual", not "population: unknown individual"): they end a message as its kind and errors.Is finds them.
// Unexported helpers return errors without the prefix; the exported function that passes them
// on adds it once.
//
// Sentinel errors. Callers test them with errors.Is.
var (
	// ErrLostRace is the store's "another worker changed this entry first" (storage.ErrLostRace).
	// In the worker loop it is routine: the step is given up and a new one starts.
	ErrLostRace = storage.ErrLostRace
	// ErrGone is the store's "the individual vanished or is unreadable" (storage.ErrGone). In
	// the worker loop it is routine, like ErrLostRace.
	ErrGone = storage.ErrGone
	// ErrConfig wraps every error of Config.Validate.
	ErrConfig = errors.New("bad config")
	// ErrControl wraps errors about control.json: unreadable JSON or a bad value.
	ErrControl = errors.New("bad control")
	// ErrUnknown means an individual id is neither alive nor in the history.
	ErrUnknown = errors.New("unknown individual")
	// ErrBadMeta means an individual's record metadata is not population's JSON.
	ErrBadMeta = errors.New("bad individual metadata")
	// ErrFailed marks a reproduction that failed after selection (a trainer error, a child the
	// trainer refused, a publish error). The worker records it and starts a new step.
	ErrFailed = errors.New("reproduction failed")
)

// isRace reports whether err is one of the routine interferences between workers.
func isRace(err error) bool {
	return errors.Is(err, ErrLostRace) || errors.Is(err, ErrGone)
}
