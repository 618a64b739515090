package population

import (
	"context"
	"log/slog"
	"time"

	"evo/storage"
)

// gcMinGap is the shortest time between two collections that events on this host trigger.
const gcMinGap = 5 * time.Second

// CollectLoop runs root's garbage collector with the default grace periods (and opts' graveyard
// budget), then brings the history index up to date, until ctx ends: every `every` (the truth on a shared filesystem), and when fsnotify
// reports a change in the population on this host, at most every gcMinGap. A failed pass is
// logged; the next one retries.
func CollectLoop(ctx context.Context, root *storage.Root, every time.Duration, opts storage.GCOptions, log *slog.Logger) {
	var last time.Time
	for range root.Watch(ctx, every) {
		if time.Since(last) < min(gcMinGap, every) {
			continue
		}
		last = time.Now()
		if _, err := Collect(ctx, root, opts, false, time.Now()); err != nil && ctx.Err() == nil {
			log.Warn("garbage collection", "err", err)
		}
	}
}

// Collection is what one pass of Collect planned and did.
type Collection struct {
	Plan   *storage.GCPlan
	Result storage.GCResult
	// Index says whether the history index was written; zero on a dry run.
	Index IndexResult
}

// Collect runs one pass of root's garbage collector with opts (plan, then execute), then,
// unless opts.DryRun, brings the history index up to date (rewriting it anyway with reindex).
func Collect(ctx context.Context, root *storage.Root, opts storage.GCOptions, reindex bool, now time.Time) (Collection, error) {
	var c Collection
	var err error
	if c.Plan, err = root.PlanGC(ctx, opts); err != nil {
		return c, err
	}
	if c.Result, err = root.ExecuteGC(ctx, c.Plan); err != nil {
		return c, err
	}
	if !opts.DryRun {
		c.Index, err = UpdateIndex(FromStorage(root), reindex, now)
	}
	return c, err
}
