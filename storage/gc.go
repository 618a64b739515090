package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"
)

const (
	// DefaultGrace is how long a grave is kept before collection. NFS clients cache directory
	// attributes for up to a minute, so a worker may still list a killed individual as alive and
	// start reading it; a reader streaming a 10 MB checkpoint over a slow link, or `evo show`
	// of a freshly killed id, also needs the files to stay. An hour covers both with a wide
	// margin and costs only disk space.
	DefaultGrace = time.Hour
	// DefaultStaleStaging is the staleness bound: how long a collector must watch a worker's
	// heartbeat unchanged before it judges the worker dead, where no lock it shares proves it
	// (see Liveness). Workers beat every few seconds; six hours also covers a worker stalled by
	// a hung NFS server or paused by an operator, which would otherwise lose its child.
	DefaultStaleStaging = 6 * time.Hour
	// NoGrace, given as Grace or StaleStaging, means zero: collect regardless of age (tests, and
	// an operator who has stopped every worker). Workers holding their lock in this process's
	// lock domain are still spared.
	NoGrace time.Duration = -1
	// MinGraveGrace is the youngest a grave may be when the graveyard's byte budget
	// (GCOptions.MaxGraveyardBytes) removes it early. An NFS client caches attributes and
	// directory listings for at most a minute by default (acregmax, acdirmax), so a worker may
	// list a killed individual as alive and open it for that long; twice that covers the open
	// and a short read. A grave's age is its killer's clock (in its name) read on the
	// collector's clock, so five more minutes absorb the clock skew between hosts that the
	// test bed exercises.
	MinGraveGrace = 2*time.Minute + 5*time.Minute
)

// GCOptions configures a garbage collection. The zero value uses the defaults.
type GCOptions struct {
	// Grace is the minimum age of a grave before it is removed; 0 means DefaultGrace, NoGrace
	// means none.
	Grace time.Duration
	// StaleStaging is the staleness bound given to Liveness: how long this process must have
	// watched a worker's heartbeat unchanged before it removes the worker's stages and lock
	// file; 0 means DefaultStaleStaging, NoGrace means none. Leftovers of workers whose lock is
	// free in this process's lock domain are removed at once; those holding it never.
	StaleStaging time.Duration
	// MaxGraveyardBytes caps the bytes of the graves kept by Grace: when the graveyard holds
	// more, the oldest graves are removed first, but never one younger than MinGraveGrace.
	// 0 means no cap.
	MaxGraveyardBytes int64
	// DryRun plans and reports but removes nothing.
	DryRun bool
}

// Validate checks the options.
func (o GCOptions) Validate() error {
	if o.Grace < 0 && o.Grace != NoGrace {
		return fmt.Errorf("storage: gc: grace %v is negative; use 0 for the default or NoGrace", o.Grace)
	}
	if o.StaleStaging < 0 && o.StaleStaging != NoGrace {
		return fmt.Errorf("storage: gc: stale staging %v is negative; use 0 for the default or NoGrace", o.StaleStaging)
	}
	if o.MaxGraveyardBytes < 0 {
		return fmt.Errorf("storage: gc: max graveyard bytes %d is negative; use 0 for no cap", o.MaxGraveyardBytes)
	}
	return nil
}

func effective(d, def time.Duration) time.Duration {
	switch d {
	case 0:
		return def
	case NoGrace:
		return 0
	}
	return d
}

// GCKind says what a GC item is.
type GCKind string

// The kinds of things the collector removes. It never touches population/.
const (
	GCGrave   GCKind = "grave"   // graveyard/<id>.<nanos>.<killer>
	GCStaging GCKind = "staging" // staging/<worker>.<id> or staging/<worker>.tmp-<hex>
	GCLock    GCKind = "lock"    // locks/<worker>.lock of a dead worker
)

// GCItem is one thing to remove.
type GCItem struct {
	Kind   GCKind `json:"kind"`
	Path   string `json:"path"`         // relative to the experiment directory
	ID     string `json:"id,omitempty"` // the individual, for graves and stages
	Reason string `json:"reason"`

	// src is where a grave lies now, relative to the experiment directory, if not at Path: in
	// a collector's claim directory (graveyard/gc-<collector>/<grave>).
	src string
}

// GCPlan is what a collection will remove, decided by PlanGC.
type GCPlan struct {
	Items  []GCItem
	DryRun bool
	// Unproven counts staging leftovers kept because their worker's death is not proven yet
	// (another lock domain, and its heartbeat not watched unchanged for the staleness bound).
	Unproven int
	stale    time.Duration // the staleness bound of the plan, to judge again at execution
	// deadClaims are the collectors whose claim directories the plan takes over; ExecuteGC
	// removes those directories once empty.
	deadClaims []string
}

// GCResult counts what ExecuteGC did.
type GCResult struct {
	Removed int // items removed
	Missing int // items already gone (another collector, or a repeated plan)
	Failed  int // items whose removal failed (logged; a later collection retries)
	Spared  int // stages and lock files whose worker no longer looked dead at execution
	DryRun  bool
}

// PlanGC decides what to collect: graves older than the grace period (by the time in their
// name), the oldest graves beyond the byte budget, the graves left claimed by this collector or
// by collectors that Liveness judges dead, and the staging leftovers and lock files of workers
// that Liveness judges dead. It reads directories only and changes nothing.
func (r *Root) PlanGC(ctx context.Context, o GCOptions) (*GCPlan, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	grace, stale := effective(o.Grace, DefaultGrace), effective(o.StaleStaging, DefaultStaleStaging)
	plan := &GCPlan{DryRun: o.DryRun, stale: stale}
	graves, err := r.planGraves(grace, o.MaxGraveyardBytes)
	if err != nil {
		return nil, err
	}
	plan.Items = graves
	claimed, dead, err := r.planClaims(stale)
	if err != nil {
		return nil, err
	}
	plan.Items, plan.deadClaims = append(plan.Items, claimed...), dead
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	items, unproven, err := r.planStaging(stale)
	if err != nil {
		return nil, err
	}
	plan.Items, plan.Unproven = append(plan.Items, items...), unproven
	return plan, ctx.Err()
}

// planStaging lists staging leftovers and lock files of dead workers, and counts the leftovers
// whose worker is not proven dead.
func (r *Root) planStaging(stale time.Duration) (items []GCItem, unproven int, err error) {
	entries, err := r.fs.ReadDir(r.path(dirStaging))
	if err != nil {
		return nil, 0, fmt.Errorf("storage: gc plan: %w", err)
	}
	verdicts := map[string]Liveness{}
	judge := func(worker string) Liveness {
		l, ok := verdicts[worker]
		if !ok {
			l = r.Liveness(worker, stale)
			verdicts[worker] = l
		}
		return l
	}
	for _, e := range entries {
		worker, id, ok := parseStaging(e.Name())
		if !ok {
			continue
		}
		rel := filepath.Join(dirStaging, e.Name())
		switch l := judge(worker); l.Verdict {
		case Dead:
			items = append(items, GCItem{Kind: GCStaging, Path: rel, ID: id, Reason: "worker " + worker + " is dead: " + l.Reason})
		case Unknown:
			unproven++
		}
	}
	locks, err := r.fs.ReadDir(r.path(dirLocks))
	if err != nil {
		return nil, 0, fmt.Errorf("storage: gc plan: %w", err)
	}
	for _, e := range locks {
		worker, ok := strings.CutSuffix(e.Name(), ".lock")
		if !ok || checkName("worker", worker) != nil {
			continue
		}
		if l := judge(worker); l.Verdict == Dead {
			items = append(items, GCItem{Kind: GCLock, Path: filepath.Join(dirLocks, e.Name()), Reason: "worker " + worker + " is dead: " + l.Reason})
		}
	}
	return items, unproven, nil
}

// ExecuteGC removes what p lists, unless it is a dry run. Each removal is first recorded in this
// process's GC log (history/gc-<writer>.jsonl), so that every kill in the histories keeps either
// its grave or a GC record. A grave is first claimed (renamed into this collector's claim
// directory, so that of racing collectors exactly one records it), then recorded, then removed,
// record.json first (metadata first, as Thanos does); see collectGrave. Errors are logged and
// skipped; running the same plan twice is harmless. The error is non-nil only if ctx ends.
func (r *Root) ExecuteGC(ctx context.Context, p *GCPlan) (GCResult, error) {
	res := GCResult{DryRun: p.DryRun}
	if p.DryRun {
		for _, it := range p.Items {
			r.log.Info("storage: gc (dry run) would remove", "path", it.Path, "reason", it.Reason)
		}
		return res, nil
	}
	r.gcMu.Lock()
	defer r.gcMu.Unlock()
	for _, it := range p.Items {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if it.Kind == GCStaging || it.Kind == GCLock {
			// Judge again: the plan may be old, and a worker may have shown life since.
			if worker := itemWorker(it); worker == "" || r.Liveness(worker, p.stale).Verdict != Dead {
				res.Spared++
				continue
			}
		}
		collect := r.collect
		if it.Kind == GCGrave {
			collect = r.collectGrave
		}
		switch err := collect(it); {
		case err == nil:
			res.Removed++
		case errors.Is(err, fs.ErrNotExist):
			res.Missing++
		default:
			res.Failed++
			r.log.Warn("storage: gc could not remove; a later collection retries", "path", it.Path, "err", err)
		}
	}
	for _, c := range append(p.deadClaims, r.self) {
		r.removeClaimDir(c)
	}
	return res, nil
}

// itemWorker is the worker a staging or lock item belongs to, or "".
func itemWorker(it GCItem) string {
	name := filepath.Base(it.Path)
	if it.Kind == GCLock {
		w, _ := strings.CutSuffix(name, ".lock")
		return w
	}
	w, _, _ := parseStaging(name)
	return w
}

// collect logs and removes one staging leftover or lock file. It returns fs.ErrNotExist if the
// item is already gone.
func (r *Root) collect(it GCItem) error {
	full := r.path(it.Path)
	if !strings.HasPrefix(it.Path, dirGraveyard+"/") && !strings.HasPrefix(it.Path, dirStaging+"/") &&
		!strings.HasPrefix(it.Path, dirLocks+"/") || strings.Contains(it.Path, "..") {
		return fmt.Errorf("refusing to collect %q: outside graveyard/, staging/ and locks/", it.Path)
	}
	if _, err := r.fs.Lstat(full); err != nil {
		return err
	}
	if err := r.gcLogAppend(it); err != nil {
		return fmt.Errorf("record in gc log (nothing removed): %w", err)
	}
	return r.removeAll(full)
}

// gcLogAppend writes one GC event to this process's GC log, opening it on first use.
func (r *Root) gcLogAppend(it GCItem) error {
	if r.gcLog == nil {
		h, err := r.History("gc-" + r.self)
		if err != nil {
			return err
		}
		r.gcLog = h
	}
	ev, err := json.Marshal(struct {
		Event string    `json:"event"`
		Time  time.Time `json:"time"`
		GCItem
	}{"gc", r.now().UTC(), it})
	if err != nil {
		return err
	}
	return r.gcLog.Append(ev)
}
