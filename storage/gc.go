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
	// DefaultStaleStaging is the age after which a staging leftover of a worker on another host
	// (whose liveness flock cannot tell) is collected. Writing a child takes seconds; six hours
	// also absorbs clock skew between hosts and a worker stalled by a hung NFS server.
	DefaultStaleStaging = 6 * time.Hour
	// NoGrace, given as Grace or StaleStaging, means zero: collect regardless of age (tests, and
	// an operator who has stopped every worker). Live workers on this host are still spared.
	NoGrace time.Duration = -1
)

// GCOptions configures a garbage collection. The zero value uses the defaults.
type GCOptions struct {
	// Grace is the minimum age of a grave before it is removed; 0 means DefaultGrace, NoGrace
	// means none.
	Grace time.Duration
	// StaleStaging is the minimum age of a staging leftover whose owner's liveness is unknown
	// (another host); 0 means DefaultStaleStaging, NoGrace means none. Leftovers of workers known
	// dead on this host are removed at any age; those of live local workers never.
	StaleStaging time.Duration
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
	GCLock    GCKind = "lock"    // locks/<worker>.lock of a dead local worker
)

// GCItem is one thing to remove.
type GCItem struct {
	Kind   GCKind `json:"kind"`
	Path   string `json:"path"`         // relative to the experiment directory
	ID     string `json:"id,omitempty"` // the individual, for graves and stages
	Reason string `json:"reason"`
}

// GCPlan is what a collection will remove, decided by PlanGC.
type GCPlan struct {
	Items  []GCItem
	DryRun bool
}

// GCResult counts what ExecuteGC did.
type GCResult struct {
	Removed int // items removed
	Missing int // items already gone (another collector, or a repeated plan)
	Failed  int // items whose removal failed (logged; a later collection retries)
	DryRun  bool
}

// PlanGC decides what to collect: graves older than the grace period (by the time in their
// name) and staging leftovers of dead workers (dead PID on this host, via its flock) or older
// than the staleness limit (other hosts). It reads directories only and changes nothing.
func (r *Root) PlanGC(ctx context.Context, o GCOptions) (*GCPlan, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	grace, stale := effective(o.Grace, DefaultGrace), effective(o.StaleStaging, DefaultStaleStaging)
	now := r.now()
	plan := &GCPlan{DryRun: o.DryRun}
	graves, err := r.fs.ReadDir(r.path(dirGraveyard))
	if err != nil {
		return nil, fmt.Errorf("storage: gc plan: %w", err)
	}
	for _, e := range graves {
		id, died, killer, ok := parseGrave(e.Name())
		if !ok {
			continue // foreign: the checker reports it, the collector leaves it alone
		}
		if age := now.Sub(died); grace == 0 || age >= grace {
			plan.Items = append(plan.Items, GCItem{Kind: GCGrave, Path: filepath.Join(dirGraveyard, e.Name()), ID: id,
				Reason: fmt.Sprintf("killed by %s %v ago (grace %v)", killer, age.Round(time.Second), grace)})
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	items, err := r.planStaging(now, stale)
	if err != nil {
		return nil, err
	}
	plan.Items = append(plan.Items, items...)
	return plan, ctx.Err()
}

// planStaging lists staging leftovers and lock files of dead workers.
func (r *Root) planStaging(now time.Time, stale time.Duration) ([]GCItem, error) {
	var items []GCItem
	entries, err := r.fs.ReadDir(r.path(dirStaging))
	if err != nil {
		return nil, fmt.Errorf("storage: gc plan: %w", err)
	}
	for _, e := range entries {
		worker, id, ok := parseStaging(e.Name())
		if !ok {
			continue
		}
		rel := filepath.Join(dirStaging, e.Name())
		switch r.workerLiveness(worker) {
		case livenessAlive:
			continue
		case livenessDead:
			items = append(items, GCItem{Kind: GCStaging, Path: rel, ID: id, Reason: "worker " + worker + " is dead"})
		default:
			if age := now.Sub(r.newestMtime(r.path(rel))); stale == 0 || age >= stale {
				items = append(items, GCItem{Kind: GCStaging, Path: rel, ID: id,
					Reason: fmt.Sprintf("untouched for %v (limit %v)", age.Round(time.Second), stale)})
			}
		}
	}
	locks, err := r.fs.ReadDir(r.path(dirLocks))
	if err != nil {
		return nil, fmt.Errorf("storage: gc plan: %w", err)
	}
	for _, e := range locks {
		worker, ok := strings.CutSuffix(e.Name(), ".lock")
		if ok && checkName("worker", worker) == nil && r.workerLiveness(worker) == livenessDead {
			items = append(items, GCItem{Kind: GCLock, Path: filepath.Join(dirLocks, e.Name()), Reason: "worker " + worker + " is dead"})
		}
	}
	return items, nil
}

// newestMtime is the latest modification time of path and its direct entries: a stage being
// written changes its files, not always its directory.
func (r *Root) newestMtime(path string) time.Time {
	st, err := r.fs.Lstat(path)
	if err != nil {
		return time.Time{}
	}
	t := st.ModTime()
	if !st.IsDir() {
		return t
	}
	entries, _ := r.fs.ReadDir(path)
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.ModTime().After(t) {
			t = info.ModTime()
		}
	}
	return t
}

// ExecuteGC removes what p lists, unless it is a dry run. Each removal is first recorded in this
// process's GC log (history/gc-<writer>.jsonl), so that every kill in the histories keeps either
// its grave or a GC record. A grave loses its record first, then the rest (metadata first, as
// Thanos does). Errors are logged and skipped; running the same plan twice is harmless. The
// error is non-nil only if ctx ends.
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
		switch err := r.collect(it); {
		case err == nil:
			res.Removed++
		case errors.Is(err, fs.ErrNotExist):
			res.Missing++
		default:
			res.Failed++
			r.log.Warn("storage: gc could not remove; a later collection retries", "path", it.Path, "err", err)
		}
	}
	return res, nil
}

// collect logs and removes one item. It returns fs.ErrNotExist if the item is already gone.
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
	if it.Kind == GCGrave {
		if err := r.fs.Remove(filepath.Join(full, recordFileName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
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
