package storage

import "errors"

// Sentinel errors. Callers test them with errors.Is; every error returned by this package wraps
// one of them or carries the file it concerns.
var (
	// ErrLostRace means another process changed the entry first (typically: it killed the same
	// individual). It is routine: the caller gives up this step and starts a new one.
	ErrLostRace = errors.New("storage: lost race")
	// ErrGone means an individual vanished, is ESTALE, torn or corrupt. The caller picks another.
	ErrGone = errors.New("storage: gone")
	// ErrConfigMismatch means experiment.json already exists with a different configuration.
	ErrConfigMismatch = errors.New("storage: config mismatch")
	// ErrNotExperiment means a directory is not an evo experiment (no valid experiment.json).
	ErrNotExperiment = errors.New("storage: not an experiment directory")
	// ErrBadName means a worker, individual or file name is not allowed (path separators,
	// "..", control characters, or the wrong shape).
	ErrBadName = errors.New("storage: bad name")
	// ErrTooLarge means a file is larger than the caller's or the package's limit; nothing was
	// read into memory.
	ErrTooLarge = errors.New("storage: too large")
	// ErrWorkerRunning means Register found the worker's lock held by a live process.
	ErrWorkerRunning = errors.New("storage: worker already running")
	// ErrStageClosed means a Stage was used after Publish, Abort or a failure that aborted it.
	ErrStageClosed = errors.New("storage: stage closed")
)
