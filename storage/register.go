package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/gofrs/flock"
)

// Register marks worker as alive for as long as the returned release has not been called (or
// the process lives): it takes an exclusive gofrs/flock on locks/<worker>.lock and records its
// lock domain there. An observer in the same lock domain tries the same lock to tell a dead
// worker's leftovers from a live worker's; any other observer waits for the worker's heartbeat
// to go stale (see Liveness).
func (r *Root) Register(worker string) (release func() error, err error) {
	if err := checkName("worker", worker); err != nil {
		return nil, fmt.Errorf("storage: register: %w", err)
	}
	fl := flock.New(r.path(dirLocks, worker+".lock"))
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("storage: register %s: lock %s: %w", worker, fl.Path(), err)
	}
	if !ok {
		return nil, fmt.Errorf("storage: %s holds %s; pick another worker name: %w", worker, fl.Path(), ErrWorkerRunning)
	}
	// Record the owner's lock domain (boot id, device of the experiment directory, pid
	// namespace) and pid in the lock file: an observer trusts a free lock only if it shares
	// that domain, and the pid only if it shares the pid namespace too (see Liveness).
	d := r.domain()
	rec, _ := json.Marshal(lockRecord{Host: localHost(), PID: os.Getpid(), Boot: d.Boot, Dev: d.Dev, PIDNS: d.PIDNS})
	if err := os.WriteFile(fl.Path(), append(rec, '\n'), 0o644); err != nil {
		fl.Unlock()
		return nil, fmt.Errorf("storage: register %s: %w", worker, err)
	}
	// Keep the lock reachable until release: an unreachable *flock.Flock would let the garbage
	// collector finalize its file and silently drop the lock while the worker still runs.
	r.held.Store(worker, fl)
	return func() error {
		defer r.held.Delete(worker)
		// Remove the file while still holding the lock, so that a collector cannot mistake a
		// lock file it just created for a dead worker's; worker names are never reused.
		rmErr := os.Remove(fl.Path())
		if err := fl.Unlock(); err != nil {
			return fmt.Errorf("storage: release %s: %w", worker, err)
		}
		if rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
			return fmt.Errorf("storage: release %s: %w", worker, rmErr)
		}
		return nil
	}, nil
}
