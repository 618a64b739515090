package population

import "context"

// CauseReset is the kill cause of a stale individual replaced by its retraining after a
// population reset.
const CauseReset = "reset"

// A population reset (the paper's Figure 4 intervention) restarts the weights of every
// individual alive at that moment while keeping its architecture. There is no master: the
// reset is an epoch counter in control.json (Control.ResetEpoch), and every child records the
// epoch its worker read when its reproduction began (Meta.Epoch). An individual whose epoch is
// below the current one is stale. While stale individuals exist, a worker's reproduction with
// a kill retrains one of them instead of holding a tournament: it reads the stale individual's
// genome, kills it (the kill-by-rename decides which of several racing workers retrains it; a
// loser gives the step up as a routine race), and publishes a child with the same architecture
// (RESET-WEIGHTS only: fresh tensor ids, so the trainer inherits nothing) trained from fresh
// weights, with the current epoch. Tournaments and regrowth draw only from current
// individuals, so a stale individual never meets a post-reset one.
//
// Bound: no step creates a stale individual except a child whose reproduction began before
// the reset (at most one per worker), and every successful retraining replaces one stale
// individual by a current one, so after at most P + W successful steps from the reset every
// alive individual has post-reset weights and a fitness measured after the reset.

// epochSplit partitions ids into stale individuals (epoch below the control's) and current
// ones, keeping the order of ids.
func (w *Worker) epochSplit(ids []string, epoch int) (stale, current []string, err error) {
	for _, id := range ids {
		m, err := w.meta(id)
		if err != nil {
			return nil, nil, err
		}
		if m.Epoch < epoch {
			stale = append(stale, id)
		} else {
			current = append(current, id)
		}
	}
	return stale, current, nil
}

// retrain replaces a random stale individual by a copy of its architecture trained from fresh
// weights. With kill the stale individual is killed first (it is the victim); without (the
// worker owes a child, or regrows the population) the stale individual is left alive to be
// retrained by a later step, so that the step does not change the population's size twice.
func (w *Worker) retrain(ctx context.Context, stale []string, ctl Control, kill bool) error {
	funded := kill || w.debt
	started := w.stepStart
	id := stale[w.rng.IntN(len(stale))]
	pm, err := w.meta(id)
	if err != nil {
		return at("select", err)
	}
	pg, err := w.parentGenome(id)
	if err != nil {
		return at("read-parent", err)
	}
	if kill {
		if err := w.killReplaced(id, CauseReset); err != nil {
			return err
		}
	}
	key, seed := w.nextKey()
	child, recs, err := Reproduce(pg, seed, 0, true)
	if err != nil {
		return at("mutate", err)
	}
	m := &Meta{Parent: id, Generation: pm.Generation + 1, Mutations: recs, Reset: true,
		Epoch: ctl.ResetEpoch, Seed: seed, Key: key, Started: started}
	if funded {
		m.Replaced = w.replaced
	}
	w.log.Debug("retraining after a reset", "stale", id, "stale_fitness", pm.Fitness,
		"epoch", ctl.ResetEpoch, "killed", kill, "key", key)
	return w.trainAndPublish(ctx, child, nil, m, funded)
}
