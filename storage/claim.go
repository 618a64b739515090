package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/gofrs/flock"
)

// claimPrefix names a collector's claim directory in the graveyard: graveyard/gc-<collector>/.
// A grave name starts with an id (digits), so the two never collide.
const claimPrefix = "gc-"

// claimDirName is the claim directory of collector, relative to graveyard/.
func claimDirName(collector string) string { return claimPrefix + collector }

// parseClaimDir returns the collector that owns the graveyard entry name, if name is a claim
// directory.
func parseClaimDir(name string) (collector string, ok bool) {
	c, ok := strings.CutPrefix(name, claimPrefix)
	return c, ok && checkName("collector", c) == nil
}

// claimedGrave is a grave inside a claim directory.
type claimedGrave struct {
	collector string // owner of the claim directory
	name      string // the grave's own name, <id>.<ns>.<killer>
	id        string
}

// listClaims lists the claim directories of the graveyard and the graves inside them. A claim
// directory that vanishes while being read (its collector finished) counts as empty.
func (r *Root) listClaims() (dirs []string, graves []claimedGrave, err error) {
	entries, err := r.fs.ReadDir(r.path(dirGraveyard))
	if err != nil {
		return nil, nil, fmt.Errorf("storage: graveyard: %w", err)
	}
	for _, e := range entries {
		c, ok := parseClaimDir(e.Name())
		if !ok || !e.IsDir() {
			continue
		}
		dirs = append(dirs, c)
		inside, err := r.fs.ReadDir(r.path(dirGraveyard, e.Name()))
		if err != nil && !isGoneErr(err) {
			return nil, nil, fmt.Errorf("storage: graveyard: %w", err)
		}
		for _, g := range inside {
			if id, _, _, ok := parseGrave(g.Name()); ok {
				graves = append(graves, claimedGrave{collector: c, name: g.Name(), id: id})
			}
		}
	}
	return dirs, graves, nil
}

// collectGrave removes one grave with exactly one GC record, in three steps that a crash may
// interrupt anywhere:
//
//  1. claim: one rename moves the grave into this collector's claim directory (of racing
//     collectors exactly one rename wins; the others find the source gone);
//  2. record: one line in this collector's GC log;
//  3. remove: record.json first, then the rest, then nothing is left.
//
// A grave found in a claim directory (this collector's own leftover, or one taken over from a
// dead collector) may already have its record: the GC logs are searched before writing one.
func (r *Root) collectGrave(it GCItem) error {
	name := filepath.Base(it.Path)
	if _, _, _, ok := parseGrave(name); !ok || filepath.Dir(it.Path) != dirGraveyard {
		return fmt.Errorf("refusing to collect %q: not a grave of graveyard/", it.Path)
	}
	src := it.src
	if src == "" {
		src = it.Path
	}
	mine := filepath.Join(dirGraveyard, claimDirName(r.self), name)
	if src != mine {
		if err := r.claim(src, mine); err != nil {
			return err
		}
	}
	recorded := false
	if src != it.Path { // claimed before this call: its record may exist
		var err error
		if recorded, err = r.gcRecorded(it.Path); err != nil {
			return fmt.Errorf("look for an earlier GC record (the claim stays for a retry): %w", err)
		}
	}
	if !recorded {
		// A collector paused for longer than the staleness bound may have lost its claim to
		// another collector that judged it dead: it must not record what it no longer holds.
		if _, err := r.fs.Lstat(r.path(mine)); err != nil {
			return err
		}
		if err := r.gcLogAppend(it); err != nil {
			// The line may be partly or wholly written: keep the claim, so that the retry
			// (this collector's next pass, or whoever takes the claim over) searches first.
			return fmt.Errorf("record in gc log (nothing removed, the claim stays for a retry): %w", err)
		}
	}
	full := r.path(mine)
	if err := r.fs.Remove(filepath.Join(full, recordFileName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return r.removeAll(full)
}

// claim renames the grave at src (relative) to dst in this collector's claim directory. It
// returns an error wrapping fs.ErrNotExist if another collector claimed it first. A rename that
// reports an error although it happened (a retransmitted NFS rename) is recognised by finding
// dst: nobody else renames into this collector's directory.
func (r *Root) claim(src, dst string) error {
	r.registerCollector()
	fsrc, fdst := r.path(src), r.path(dst)
	for attempt := 0; ; attempt++ {
		if err := r.fs.Mkdir(filepath.Dir(fdst), 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("claim directory: %w", err)
		}
		err := r.fs.Rename(fsrc, fdst)
		if err != nil {
			if _, serr := r.fs.Lstat(fdst); serr == nil {
				err = nil // the rename happened; the error was a retransmission artefact
			}
		}
		if err == nil {
			// Make the claim durable before the record is written: a claim undone by a crash
			// would put a recorded grave back into graveyard/, to be recorded again.
			for _, d := range []string{filepath.Dir(fdst), filepath.Dir(fsrc)} {
				if serr := r.syncDir(d); serr != nil {
					return fmt.Errorf("sync after claim: %w", serr)
				}
			}
			return nil
		}
		// Our claim directory may have been removed meanwhile (a collector that judged this
		// one dead while it was paused): make it again, once.
		if _, derr := r.fs.Lstat(filepath.Dir(fdst)); attempt == 0 && errors.Is(derr, fs.ErrNotExist) {
			continue
		}
		return err
	}
}

// gcRecorded reports whether some GC log holds a record of the grave at path (graveyard/<name>).
func (r *Root) gcRecorded(path string) (bool, error) {
	entries, err := r.fs.ReadDir(r.path(dirHistory))
	if err != nil {
		return false, err
	}
	found := errors.New("found")
	for _, e := range entries {
		worker, ok := strings.CutSuffix(e.Name(), ".jsonl")
		if !ok || !strings.HasPrefix(worker, "gc-") || checkName("worker", worker) != nil {
			continue
		}
		err := r.readOneHistory(worker, func(_ string, line []byte) error {
			var ev struct{ Event, Kind, Path string }
			if json.Unmarshal(line, &ev) == nil && ev.Event == "gc" && ev.Kind == string(GCGrave) && ev.Path == path {
				return found
			}
			return nil
		})
		if errors.Is(err, found) {
			return true, nil
		}
		if err != nil && !isGoneErr(err) {
			return false, err
		}
	}
	return false, nil
}

// claimAbandoned says whether another collector's claim on the grave at src (relative) may be
// taken over, and why. Collectors do not beat, so the heartbeat half of Liveness does not apply
// to them; the same two proofs apply to the claim instead:
//
//   - the collector's lock (lock, read once per plan) is free in a lock domain this process
//     shares and its pid is gone: it died;
//   - the claimed grave has been watched unchanged (inode, size, mtime) for longer than the
//     staleness bound on this process's clock: a live collector holds a claim for the time of
//     one record and one removal, so a claim that lasts the bound belongs to a collector that
//     died or has been paused for that long.
//
// Anything else (a first sight, a collector holding its lock) is left alone.
func (r *Root) claimAbandoned(collector, src string, lock lockProof, bound time.Duration) (string, bool) {
	if lock.dead() {
		return "claimed by collector " + collector + ", which is dead: " + lockFreeReason, true
	}
	if bound == NoGrace {
		bound = 0
	}
	if lock.held {
		return "", false // alive: holds its lock in this lock domain
	}
	sig := r.signature(r.path(src), 0)
	if sig == "" || sig == "absent" {
		return "", false
	}
	unchanged, _ := r.obs.observe("claim/"+src, sig, r.now())
	if !stale(unchanged, bound) {
		return "", false
	}
	return fmt.Sprintf("claimed by collector %s and unchanged for %v as watched here (bound %v)",
		collector, unchanged.Round(time.Second), bound), true
}

// removeClaimDir removes the claim directory of collector if it is empty. A collector that
// still (or again) uses it makes it anew.
func (r *Root) removeClaimDir(collector string) {
	err := r.fs.Remove(r.path(dirGraveyard, claimDirName(collector)))
	if err != nil && !isGoneErr(err) && !isExistErr(err) && !errors.Is(err, syscall.EBUSY) {
		r.log.Info("storage: gc: claim directory kept", "collector", collector, "err", err)
	}
}

// registerCollector takes this process's collector lock (locks/<self>.lock) once, so that a
// collector sharing its lock domain can prove its death at once and take over its claims; other
// collectors wait for the staleness bound. A failure is logged: claims are then judged by
// staleness only.
func (r *Root) registerCollector() {
	if r.gcRegistered {
		return
	}
	r.gcRegistered = true
	release, err := r.Register(r.self)
	if err != nil {
		r.log.Warn("storage: gc: could not take the collector lock; other collectors judge its claims by staleness only", "err", err)
		return
	}
	r.gcRelease = release
}

// releaseCollector gives up the collector lock at Close. If claims are left (a record could not
// be written), the lock file stays with its lock free, which proves this collector's death to
// collectors of its lock domain, so that one of them finishes the claims.
func (r *Root) releaseCollector() error {
	if r.gcRelease == nil {
		return nil
	}
	release := r.gcRelease
	r.gcRelease = nil
	if left, _ := r.fs.ReadDir(r.path(dirGraveyard, claimDirName(r.self))); len(left) > 0 {
		if fl, ok := r.held.LoadAndDelete(r.self); ok {
			return fl.(*flock.Flock).Unlock()
		}
	}
	return release()
}
