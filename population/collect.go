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
		plan, err := root.PlanGC(ctx, opts)
		if err == nil {
			_, err = root.ExecuteGC(ctx, plan)
		}
		if err == nil {
			_, err = UpdateIndex(FromStorage(root), false, time.Now())
		}
		if err != nil && ctx.Err() == nil {
			log.Warn("garbage collection", "err", err)
		}
	}
}
