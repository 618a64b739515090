package storage

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// Verdict is what an observer can say about a worker.
type Verdict int

// The verdicts. Only Dead allows removing anything of the worker.
const (
	// Unknown: the evidence does not prove death; wait for the heartbeat to go stale.
	Unknown Verdict = iota
	// Alive: the worker holds its lock in this lock domain, or its heartbeat changed recently.
	Alive
	// Dead: the heartbeat has not changed for longer than the bound as watched by this
	// observer, or the worker's lock is free in a lock domain the observer shares.
	Dead
)

func (v Verdict) String() string {
	switch v {
	case Alive:
		return "alive"
	case Dead:
		return "dead"
	}
	return "unknown"
}

// Liveness is a verdict on a worker and the evidence behind it.
type Liveness struct {
	Verdict Verdict
	Reason  string
}

// lockDomain says which processes see each other's flocks and pids. Two processes share flocks
// on the experiment's lock files only if they run on the same kernel (same boot id) and reach
// the directory through the same mount (same device number): two mounts of one directory (two
// sshfs or FUSE mounts, an NFS export mounted twice, a container with its own mount) each keep
// their own locks. Pids are comparable only within one pid namespace.
type lockDomain struct {
	Boot  string // kernel boot id; "" if unknown (then nothing is provably shared)
	Dev   uint64 // device number of the experiment directory as this process sees it
	PIDNS uint64 // inode of this process's pid namespace; 0 if unknown
}

// sharesLocks reports whether a flock taken in domain o is provably visible in d.
func (d lockDomain) sharesLocks(o lockDomain) bool {
	return d.Boot != "" && d.Boot == o.Boot && d.Dev != 0 && d.Dev == o.Dev
}

// sharesPIDs reports whether a pid recorded in domain o names the same process in d.
func (d lockDomain) sharesPIDs(o lockDomain) bool {
	return d.Boot != "" && d.Boot == o.Boot && d.PIDNS != 0 && d.PIDNS == o.PIDNS
}

// lockRecord is what Register writes into locks/<worker>.lock.
type lockRecord struct {
	Host  string `json:"host"`
	PID   int    `json:"pid"`
	Boot  string `json:"boot"`
	Dev   uint64 `json:"dev"`
	PIDNS uint64 `json:"pidns"`
}

func (l lockRecord) domain() lockDomain { return lockDomain{Boot: l.Boot, Dev: l.Dev, PIDNS: l.PIDNS} }

// detectDomain reads this process's lock domain for the experiment directory dir.
func detectDomain(dir string) lockDomain {
	var d lockDomain
	if b, err := os.ReadFile("/proc/sys/kernel/random/boot_id"); err == nil {
		d.Boot = strings.TrimSpace(string(b))
	}
	if st, err := os.Stat(dir); err == nil {
		d.Dev = deviceOf(st)
	}
	if st, err := os.Stat("/proc/self/ns/pid"); err == nil {
		d.PIDNS = inodeOf(st)
	}
	return d
}

// domain returns this process's lock domain (detected once, or injected by tests).
func (r *Root) domain() lockDomain {
	r.domainOnce.Do(func() {
		if r.dom == nil {
			d := detectDomain(r.dir)
			r.dom = &d
		}
	})
	return *r.dom
}

// observation is what an observer remembers of one thing it watches, on its own clock.
type observation struct {
	sig       string
	firstSeen time.Time // when the observer first saw sig
	changed   bool      // the observer saw the signature change at least once
}

// observer remembers signatures (content, size, inode, mtime as read) and when this process
// first saw each. Ages are durations of the observer's clock only: a remote mtime is never
// compared with the local clock, so skewed clocks cannot make a live worker look old.
type observer struct {
	mu   sync.Mutex
	seen map[string]observation
}

// observe records that key has signature sig at now and returns how long it has been
// unchanged as watched here, and whether a change was ever seen.
func (o *observer) observe(key, sig string, now time.Time) (unchanged time.Duration, changed bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seen == nil {
		o.seen = map[string]observation{}
	}
	ob, ok := o.seen[key]
	switch {
	case !ok:
		ob = observation{sig: sig, firstSeen: now}
	case ob.sig != sig:
		ob = observation{sig: sig, firstSeen: now, changed: true}
	}
	o.seen[key] = ob
	return now.Sub(ob.firstSeen), ob.changed
}

// Watch remembers, on its owner's clock, when it first saw each fingerprint of the things it
// watches. It is the staleness half of Liveness for callers that read heartbeats themselves
// (the population's claim accounting). The zero value is ready; it is safe for concurrent use.
type Watch struct{ o observer }

// Observe records that key has fingerprint fp at now (the watcher's own clock) and returns how
// long fp has been unchanged as watched here and whether a change of fp was ever seen. A thing
// is stale when unchanged exceeds the caller's bound; a first sight is never stale.
func (w *Watch) Observe(key, fp string, now time.Time) (unchanged time.Duration, changed bool) {
	return w.o.observe(key, fp, now)
}

// stale is the staleness test: unchanged for longer than bound (bound 0: at once).
func stale(unchanged, bound time.Duration) bool {
	return bound <= 0 || unchanged > bound
}

// signature is a fingerprint of path as read now: "absent", or inode, size, mtime and a hash
// of the content of small files; "" if path cannot be read (no observation). A heartbeat is replaced by rename, so each beat is a new inode
// even where mtimes are coarse.
func (r *Root) signature(path string, hashMax int64) string {
	st, err := r.fs.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "absent"
	}
	if err != nil {
		return ""
	}
	sig := fmt.Sprintf("%d/%d/%d", inodeOf(st), st.Size(), st.ModTime().UnixNano())
	if st.Mode().IsRegular() && st.Size() <= hashMax {
		if data, err := r.readSmall(path, hashMax); err == nil {
			sig += fmt.Sprintf("/%x", sha256.Sum256(data))
		}
	}
	return sig
}

// Liveness judges worker by the one rule every removal of a worker's files goes through
// (garbage collection of stages and lock files, Check's leak reports, Repair of leaks):
//
//   - Alive if the worker's lock is held in a lock domain this process shares.
//   - Dead if its heartbeat has not changed for more than bound, as watched by this Root since
//     it first saw it (so a process that has just started cannot prove staleness yet).
//   - Dead if its lock record names this process's lock domain, the lock is free, the
//     heartbeat has not been seen changing within bound, and, where the pid namespace is
//     shared too, the recorded pid is gone.
//   - Alive if the heartbeat changed within bound; otherwise Unknown.
//
// bound 0 (NoGrace) makes every worker not provably alive dead: for tests, and for an operator
// who has stopped every worker.
func (r *Root) Liveness(worker string, bound time.Duration) Liveness {
	if bound == NoGrace {
		bound = 0
	}
	now := r.now()
	// An unreadable heartbeat (EIO, a hung mount) is no observation at all: a lasting error
	// must not pass for a heartbeat that stopped changing.
	var unchanged time.Duration
	changed, watched := false, false
	if sig := r.signature(r.path(dirHeartbeats, worker+".json"), MaxHeartbeatSize); sig != "" {
		unchanged, changed = r.obs.observe("heartbeat/"+worker, sig, now)
		watched = true
	}
	fresh := changed && unchanged <= bound
	lock := r.lockProof(worker)
	if lock.held {
		return Liveness{Alive, "holds its lock in this lock domain"}
	}
	if (watched || bound == 0) && stale(unchanged, bound) {
		return Liveness{Dead, fmt.Sprintf("heartbeat unchanged for %v as watched here (bound %v)", unchanged.Round(time.Second), bound)}
	}
	if lock.free && !fresh {
		if lock.pidLive {
			return Liveness{Unknown, fmt.Sprintf("lock free but pid %d exists", lock.pid)}
		}
		return Liveness{Dead, lockFreeReason}
	}
	if lock.free {
		return Liveness{Unknown, "lock free but heartbeat changing: wait for staleness"}
	}
	if fresh {
		return Liveness{Alive, "heartbeat changing"}
	}
	return Liveness{Unknown, fmt.Sprintf("heartbeat unchanged for %v as watched here (bound %v)", unchanged.Round(time.Second), bound)}
}

// lockFreeReason is the evidence of a lock that proves its owner's death.
const lockFreeReason = "its lock is free in this lock domain"

// lockProof is what a worker's (or collector's) lock proves to this process. held and free
// both false: nothing (no lock record, another lock domain, or the lock could not be tried).
type lockProof struct {
	held    bool // held in a lock domain this process shares: alive
	free    bool // free in a lock domain this process shares
	pid     int  // the pid of the lock record
	pidLive bool // free, and the recorded pid exists in a pid namespace this process shares
}

// dead reports whether the lock proves death: free, and its pid gone where pids are comparable.
func (p lockProof) dead() bool { return p.free && !p.pidLive }

// lockProof reads worker's lock record and, if it names a lock domain this process shares,
// tries the lock (and probes the recorded pid where the pid namespace is shared too).
func (r *Root) lockProof(worker string) lockProof {
	rec, ok := r.readLockRecord(worker)
	self := r.domain()
	if !ok || !self.sharesLocks(rec.domain()) {
		return lockProof{}
	}
	held, err := r.lockHeld(worker)
	if err != nil {
		return lockProof{}
	}
	if held {
		return lockProof{held: true, pid: rec.PID}
	}
	return lockProof{free: true, pid: rec.PID,
		pidLive: self.sharesPIDs(rec.domain()) && rec.PID != os.Getpid() && pidExists(rec.PID)}
}

// readLockRecord reads the record Register wrote in locks/<worker>.lock.
func (r *Root) readLockRecord(worker string) (lockRecord, bool) {
	var rec lockRecord
	data, err := r.readSmall(r.path(dirLocks, worker+".lock"), 4096)
	if err != nil || json.Unmarshal(data, &rec) != nil || rec.Boot == "" {
		return lockRecord{}, false
	}
	return rec, true
}

// lockHeld tries worker's lock: held by someone (true), free (false), or an error (no lock
// file, or locking failed): then nothing is proven.
func (r *Root) lockHeld(worker string) (bool, error) {
	p := r.path(dirLocks, worker+".lock")
	if _, err := r.fs.Lstat(p); err != nil {
		return false, err
	}
	fl := flock.New(p, flock.SetFlag(os.O_RDWR))
	got, err := fl.TryLock()
	if err != nil {
		return false, err
	}
	if !got {
		return true, nil
	}
	fl.Unlock()
	return false, nil
}
