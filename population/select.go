package population

import (
	"errors"
	"fmt"
)

// prune drops cached metadata of individuals no longer alive and returns the alive ids that
// may be selected (those not known to be unreadable), oldest first.
func (w *Worker) prune(all []string) []string {
	alive := make(map[string]bool, len(all))
	ids := make([]string, 0, len(all))
	for _, id := range all {
		alive[id] = true
		if !w.bad[id] {
			ids = append(ids, id)
		}
	}
	for id := range w.metas {
		if !alive[id] {
			delete(w.metas, id)
		}
	}
	for id := range w.bad {
		if !alive[id] {
			delete(w.bad, id)
		}
	}
	return ids
}

// meta returns id's metadata, cached: records are write-once. An individual whose record
// cannot be read as population metadata is reported once and never selected again by this
// worker (`evo check --repair` quarantines it); that is a race for the current step.
func (w *Worker) meta(id string) (*Meta, error) {
	if m := w.metas[id]; m != nil {
		return m, nil
	}
	m, err := recordMeta(w.store, id)
	if err != nil {
		if errors.Is(err, ErrBadMeta) {
			w.markBad(id, err)
		}
		return nil, err
	}
	w.metas[id] = m
	return m, nil
}

// markBad excludes a corrupt individual from this worker's selections.
func (w *Worker) markBad(id string, err error) {
	if !w.bad[id] {
		w.log.Warn("individual unreadable, skipped by this worker; run `evo check --repair` to quarantine it",
			"id", id, "err", err)
	}
	w.bad[id] = true
}

// choose picks the parent and, with kill, the victim, by the configured selection.
func (w *Worker) choose(ids []string, kill bool) (parent, victim string, err error) {
	if len(ids) == 1 {
		return ids[0], "", nil
	}
	switch w.cfg.Selection {
	case SelectRandom:
		i := w.sample(len(ids), 2)
		parent, victim = ids[i[0]], ids[i[1]]
	case SelectAging:
		parent, err = w.bestOf(ids, w.sample(len(ids), min(w.cfg.TournamentSize, len(ids))))
		if err != nil {
			return "", "", err
		}
		victim = oldestExcept(ids, parent)
	default:
		i := w.sample(len(ids), 2)
		a, b := ids[i[0]], ids[i[1]]
		ma, err := w.meta(a)
		if err != nil {
			return "", "", err
		}
		mb, err := w.meta(b)
		if err != nil {
			return "", "", err
		}
		parent, victim = a, b
		if mb.Fitness > ma.Fitness || (mb.Fitness == ma.Fitness && w.rng.IntN(2) == 0) {
			parent, victim = b, a
		}
	}
	if !kill {
		victim = ""
	}
	return parent, victim, nil
}

// victim picks an individual to kill without a reproduction (cull, make room). After a
// population reset it picks among current individuals when there are any: stale ones are
// retrained rather than lost, and never meet current ones in a tournament.
func (w *Worker) victim(ids []string) (string, error) {
	if e := w.ctl.ResetEpoch; e > 0 {
		stale, current, err := w.epochSplit(ids, e)
		if err != nil {
			return "", err
		}
		if len(stale) > 0 && len(current) > 0 {
			ids = current
		}
	}
	if len(ids) == 1 {
		return ids[0], nil
	}
	switch w.cfg.Selection {
	case SelectAging:
		return ids[0], nil
	case SelectRandom:
		return ids[w.rng.IntN(len(ids))], nil
	default:
		_, v, err := w.choose(ids, true)
		return v, err
	}
}

// bestOf returns the fittest of ids[idx...] (ties: the first drawn).
func (w *Worker) bestOf(ids []string, idx []int) (string, error) {
	best, bestFit := "", -1.0
	for _, i := range idx {
		m, err := w.meta(ids[i])
		if err != nil {
			return "", err
		}
		if m.Fitness > bestFit {
			best, bestFit = ids[i], m.Fitness
		}
	}
	if best == "" {
		return "", fmt.Errorf("population: empty sample")
	}
	return best, nil
}

// oldestExcept returns the oldest id other than keep (ids are oldest first).
func oldestExcept(ids []string, keep string) string {
	if ids[0] != keep {
		return ids[0]
	}
	return ids[1]
}

// sample draws k distinct indices below n uniformly.
func (w *Worker) sample(n, k int) []int {
	if 2*k >= n {
		return w.rng.Perm(n)[:k]
	}
	seen := make(map[int]bool, k)
	out := make([]int, 0, k)
	for len(out) < k {
		i := w.rng.IntN(n)
		if !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	return out
}
