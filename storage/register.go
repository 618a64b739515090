package storage

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/gofrs/flock"
)

// Register marks worker as alive on this host for as long as the returned release has not been
// called (or the process lives): it takes an exclusive gofrs/flock on locks/<worker>.lock. The
// garbage collector on the same host tries the same lock to tell a dead worker's staging
// leftovers from a live worker's. flock is only trusted between processes of one host; on other
// hosts the collector falls back to age (see GCOptions.StaleStaging).
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
		return nil, fmt.Errorf("%w: %s holds %s; pick another worker name", ErrWorkerRunning, worker, fl.Path())
	}
	// Record the owner's host and pid in the lock file, so that a collector can tell a lock of
	// its own host from one of another host whatever the worker's name (flock is only trusted
	// between processes of one host).
	if err := os.WriteFile(fl.Path(), fmt.Appendf(nil, "%s %d\n", localHost(), os.Getpid()), 0o644); err != nil {
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

// liveness is what the collector knows about a worker.
type liveness int

const (
	livenessUnknown liveness = iota // another host, or a name not made by NewWorkerID: use age
	livenessAlive                   // certainly alive on this host
	livenessDead                    // certainly dead on this host
)

// workerLiveness decides whether worker is alive on this host: its lock file is held (alive) or
// free (dead); without a lock file, its pid (from a NewWorkerID name) is probed with signal 0.
func (r *Root) workerLiveness(worker string) liveness {
	lockPath := r.path(dirLocks, worker+".lock")
	host, pid, ok := workerHostPID(worker)
	if !ok {
		// A name chosen by the user: the lock file says which host registered it.
		host, ok = lockOwnerHost(lockPath)
	}
	if !ok || host != localHost() {
		return livenessUnknown
	}
	if _, err := os.Lstat(lockPath); err == nil {
		fl := flock.New(lockPath, flock.SetFlag(os.O_RDWR))
		got, err := fl.TryLock()
		if err != nil {
			return livenessUnknown
		}
		if !got {
			return livenessAlive
		}
		fl.Unlock()
		return livenessDead
	}
	if pid == 0 {
		return livenessUnknown
	}
	if pid == os.Getpid() {
		return livenessAlive
	}
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return livenessDead
	}
	// The pid exists (or we may not signal it): it could be a reused pid, so only age decides.
	return livenessUnknown
}

// lockOwnerHost reads the host recorded in a lock file by Register.
func lockOwnerHost(path string) (string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	var buf [256]byte
	n, _ := f.Read(buf[:])
	host, _, ok := strings.Cut(string(buf[:n]), " ")
	return host, ok && host != ""
}
