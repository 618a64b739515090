package population

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// step is one iteration of the worker loop (package doc). The decision keeps the population at its
// set-point P while workers kill first and publish later:
//
//   - T = alive + debts is what the loop conserves, where a worker's debt is a kill whose
//     replacement child it has not published yet (at most one per worker, announced in its
//     heartbeat before the kill). A reproduction with a kill leaves T unchanged; T grows only
//     by "unfunded" publishes (initial individuals, regrowth) and shrinks by culls and by
//     workers that die holding a debt.
//   - T < P (alive + other workers' claims < P, a claim being a debt or a pending unfunded
//     publish): the population is not full. Before it was
//     ever full the worker builds an initial individual (the paper's fill phase); afterwards
//     it regrows by reproducing without a kill, so that a crash or a stop does not inject
//     untrained initial individuals into an evolved population.
//   - Before an unfunded child is published the worker announces it (pending) and counts
//     again with fresh heartbeats; if the population has become full meanwhile it kills first
//     (makeRoom, which also argues why this is race-free on a coherent file system).
//   - alive > P (possible only through stale NFS listings, or when makeRoom loses every
//     race): the worker kills one individual and builds nothing (cull).
//   - A worker that killed and then failed to publish keeps its debt: its next step
//     reproduces without killing.
//   - The two size-changing decisions above (an unfunded publish, a cull) are taken only on a
//     listing that shows the worker's own previous one (caughtUp); on an older listing the
//     worker reproduces with a kill or waits, so a cached listing costs a few places per
//     worker, not one per step.
//
// Hence alive ≤ T ≤ P, and alive ≥ P − W with W workers once the population is full, less
// the rare place that a conservative make-room kill (a claim counted twice, see makeRoom)
// leaves empty until the next step regrows it.
func (w *Worker) step(ctx context.Context, ctl Control) error {
	w.setState(StateSelecting, nil)
	all, err := w.store.List()
	if err != nil {
		return at("list", fmt.Errorf("population: list: %w", err))
	}
	ids := w.prune(all)
	n, p := len(all), w.cfg.PopulationSize
	if n >= p {
		w.filled = true
	}
	switch {
	case w.debt && len(ids) == 0:
		return w.buildInitial(ctx, true)
	case w.debt:
		return w.reproduce(ctx, ids, ctl, false)
	case n > p:
		if !w.caughtUp(all) {
			return w.keepSize(ctx, ids, ctl)
		}
		return w.cull(ids)
	}
	if n+w.othersDebts() < p {
		if !w.caughtUp(all) {
			return w.keepSize(ctx, ids, ctl)
		}
		if w.filled && len(ids) > 0 {
			return w.reproduce(ctx, ids, ctl, false)
		}
		return w.buildInitial(ctx, false)
	}
	w.filled = true
	if len(ids) == 0 {
		return w.buildInitial(ctx, false)
	}
	return w.reproduce(ctx, ids, ctl, true)
}

// cull kills one individual of a population above its set-point. Whether it wins or loses the
// kill, the victim is gone, and the next step that changes the population's size waits for a
// listing without it (caughtUp).
func (w *Worker) cull(ids []string) error {
	victim, err := w.victim(ids)
	if err != nil {
		return at("select", err)
	}
	err = w.kill(victim, CauseCull)
	if err == nil || isRace(err) {
		w.awaitListing(victim, false)
	}
	return err
}

// listingPoll is how long a worker waits before it lists again when its listing is older than
// its own last change of the population's size and it has nothing size-neutral to do.
const listingPoll = 50 * time.Millisecond

// awaitListing records the last change of the population's size this worker made: the child
// id it published without a kill (present) or the individual it culled (absent). Until a
// listing reflects it, the worker takes no decision that changes the size (caughtUp).
func (w *Worker) awaitListing(id string, present bool) {
	w.await, w.awaitPresent, w.awaitSince = id, present, w.now()
}

// caughtUp reports whether the listing all is at least as recent as this worker's last change
// of the population's size, and clears the wait when it is.
//
// Why: on a shared file system a directory listing may be served from a cache for seconds
// (NFS's attribute and listing caches), while a step may take milliseconds. A worker that
// decided on such a listing alone would publish child after child without a kill (or cull
// individual after individual) on the same stale count, hundreds within one cache period, and
// the population would swing far above and below its set-point. A listing that does not yet
// show the worker's own last publish (or still shows its own last victim) is older than that
// change; the worker then does only steps that keep the size (keepSize). So each worker makes
// at most one size-changing step per refresh of its view, and the overshoot that listing
// staleness allows is a few places per worker, not the number of steps in a cache period.
//
// A child published without a kill may be killed by another worker before this worker's
// listing ever shows it; the wait then ends after heartbeatStaleFactor heartbeat intervals
// (a victim never comes back, so the wait for its absence needs no such limit, but gets it
// too).
func (w *Worker) caughtUp(all []string) bool {
	if w.await == "" {
		return true
	}
	listed := slices.Contains(all, w.await)
	if listed == w.awaitPresent || w.now().Sub(w.awaitSince) > heartbeatStaleFactor*w.cfg.HeartbeatInterval {
		w.await = ""
		return true
	}
	return false
}

// keepSize is the step of a worker whose listing is older than its own last change of the
// population's size: a reproduction with a kill once the population was full (it keeps the
// size, whatever the listing's age), otherwise a short wait for a fresher listing.
func (w *Worker) keepSize(ctx context.Context, ids []string, ctl Control) error {
	if w.filled && len(ids) > 0 {
		return w.reproduce(ctx, ids, ctl, true)
	}
	t := time.NewTimer(listingPoll)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// makeRoomTries bounds the attempts to make room for an unfunded child. Each failed attempt
// is a race with another worker that killed the chosen victim first, so each makes progress
// elsewhere; a child that still finds no room is abandoned rather than overfill the population.
const makeRoomTries = 20

// makeRoom is called just before an unfunded child is published, with the worker's pending
// flag already announced in its heartbeat: if the population is full it kills one individual
// first, so that the publish does not push the population over its set-point. When it returns
// an error the child must not be published.
//
// Why the bound holds on a coherent file system (a local disk): a worker announces its own
// pending publish, then reads the heartbeats, lists the population, and reads the heartbeats
// again; a claim (debt or pending) seen in either read counts, and so does a worker whose
// ClaimChanges differ between the reads. Of two workers racing to fill the last place, the
// one that announced second sees the first one's flag or, if that was already withdrawn, its
// child in the listing (flags are withdrawn only after the rename). A debt is announced before
// its kill and withdrawn after its child's rename: if the listing fell inside that window, the
// debt shows in the second read, or, if it was withdrawn by then, its ClaimChanges moved.
// Counting a claim twice only makes a worker kill first: the error is always on the safe side. On NFS, directory listings may be cached for a while, so the bound holds up
// to that staleness, and the cull step corrects what slips through.
func (w *Worker) makeRoom() error {
	for range makeRoomTries {
		before, err := w.others()
		if err != nil {
			return fmt.Errorf("population: make room: read heartbeats: %w", err)
		}
		all, err := w.store.List()
		if err != nil {
			return fmt.Errorf("population: make room: list: %w", err)
		}
		after, err := w.others()
		if err != nil {
			return fmt.Errorf("population: make room: read heartbeats: %w", err)
		}
		if len(all)+claimsBetween(before, after) < w.cfg.PopulationSize {
			return nil
		}
		ids := w.prune(all)
		if len(ids) == 0 {
			return fmt.Errorf("population: make room: the population is full of unreadable individuals; run `evo check --repair`")
		}
		victim, err := w.victim(ids)
		if err == nil {
			err = w.kill(victim, CauseRoom)
		}
		if err == nil {
			return nil
		}
		if !isRace(err) {
			return fmt.Errorf("population: make room: %w", err)
		}
		w.raced(err)
	}
	return fmt.Errorf("population: make room: %d attempts lost to other workers: %w", makeRoomTries, ErrLostRace)
}

// killSelected kills the loser of a selection: the debt is announced first, so that other
// workers never see the population short without knowing a child will replace the victim.
func (w *Worker) killSelected(victim string) error { return w.killReplaced(victim, CauseSelection) }

// killReplaced kills victim for cause, announcing first the debt of the child that replaces it.
func (w *Worker) killReplaced(victim, cause string) error {
	w.setDebt(true)
	if err := w.kill(victim, cause); err != nil {
		w.setDebt(false)
		return err
	}
	w.replaced = victim
	return nil
}

// kill moves victim to the graveyard and records it.
func (w *Worker) kill(victim, cause string) error {
	var fitness float64
	if m := w.metas[victim]; m != nil {
		fitness = m.Fitness
	}
	if err := w.store.Kill(victim, w.id); err != nil {
		delete(w.metas, victim)
		if !isRace(err) {
			err = fmt.Errorf("population: kill %s: %w", victim, err)
		}
		return at("kill", err)
	}
	delete(w.metas, victim)
	w.mu.Lock()
	w.st.Kills++
	w.mu.Unlock()
	if err := w.event(Event{Event: EventKill, ID: victim, Fitness: fitness, Cause: cause}); err != nil {
		w.log.Warn("append kill event", "err", err)
	}
	w.log.Debug("killed", "id", victim, "fitness", fitness, "cause", cause)
	return nil
}
