package storage

import "errors"

// Error style, the same in storage, population, genome, train, train/checkpoint and train/data: a
// message starts with the package prefix ("storage: ") exactly once, then says what was being done
// to which file or value, and what to do about it; wrapped errors come last, so that a chain
// reads from the outside in: fmt.Errorf("storage: read %s: %w", path, err). Sentinels carry no
// prefix ("gone", not "storage: gone"): they end a message as its kind and errors.Is finds them.
// Unexported helpers return errors without the prefix; the exported function that passes them
// on adds it once.
//
// Sentinel errors. Callers test them with errors.Is; every error returned by this package wraps
// one of them or carries the file it concerns.
var (
	// ErrLostRace means another process changed the entry first (typically: it killed the same
	// individual). It is routine: the caller gives up this step and starts a new one.
	ErrLostRace = errors.New("lost race")
	// ErrGone means an individual vanished, is ESTALE, torn or corrupt. The caller picks another.
	ErrGone = errors.New("gone")
	// ErrConfigMismatch means experiment.json already exists with a different configuration.
	ErrConfigMismatch = errors.New("config mismatch")
	// ErrNotExperiment means a directory is not an evo experiment (no valid experiment.json).
	ErrNotExperiment = errors.New("not an experiment directory")
	// ErrBadName means a worker, individual or file name is not allowed (path separators,
	// "..", control characters, or the wrong shape).
	ErrBadName = errors.New("bad name")
	// ErrTooLarge means a file is larger than the caller's or the package's limit; nothing was
	// read into memory.
	ErrTooLarge = errors.New("too large")
	// ErrWorkerRunning means Register found the worker's lock held by a live process.
	ErrWorkerRunning = errors.New("worker already running")
	// ErrStageClosed means a Stage was used after Publish, Abort or a failure that aborted it.
	ErrStageClosed = errors.New("stage closed")
)
