package storage

import (
	"fmt"
)

// Kill moves the alive individual id to the graveyard in one rename:
// population/<id> → graveyard/<id>.<unix-nanos>.<killer>. Of several processes killing the same
// id at once exactly one wins; the others get ErrLostRace, which is routine. An id that was
// never alive (and has no grave) is ErrGone. A rename that reports ENOENT although it happened
// (a retransmitted NFS rename) is detected by looking for our own grave, and counts as a win.
func (r *Root) Kill(id, killer string) error {
	if err := checkID(id); err != nil {
		return fmt.Errorf("storage: kill: %w", err)
	}
	if err := checkName("killer", killer); err != nil {
		return fmt.Errorf("storage: kill %s: %w", id, err)
	}
	grave := graveName(id, r.now(), killer)
	src, dst := r.path(dirPopulation, id), r.path(dirGraveyard, grave)
	err := r.fs.Rename(src, dst)
	if err == nil {
		r.syncAfterKill(id)
		return nil
	}
	if _, serr := r.fs.Lstat(dst); serr == nil {
		r.syncAfterKill(id)
		return nil // the rename happened; the error was a retransmission artefact
	}
	if !isGoneErr(err) {
		return fmt.Errorf("storage: kill %s: %w", id, err)
	}
	graves, gerr := r.gravesOf(id)
	if gerr == nil && len(graves) > 0 {
		return fmt.Errorf("storage: kill %s: killed as %s: %w", id, graves[0], ErrLostRace)
	}
	return fmt.Errorf("storage: kill %s: not alive (%v): %w", id, err, ErrGone)
}

// syncAfterKill makes the kill durable. A failure is logged: the rename is done and cannot be
// undone, and a crash that loses it only resurrects the individual, which is harmless.
func (r *Root) syncAfterKill(id string) {
	for _, d := range []string{dirGraveyard, dirPopulation} {
		if err := r.syncDir(r.path(d)); err != nil {
			r.log.Warn("storage: killed but could not sync directory", "id", id, "dir", d, "err", err)
		}
	}
}
