package population

import (
	"context"
	"errors"
	"fmt"
	"time"

	"evo/genome"
)

// reproduce selects a parent (and, with kill, a victim it kills), copies and mutates the
// parent's genome, trains the child inheriting the parent's weights, and publishes it.
//
// After a population reset, stale individuals (weights older than the reset) are retrained
// first and never meet current ones in a tournament (reset.go).
func (w *Worker) reproduce(ctx context.Context, ids []string, ctl Control, kill bool) error {
	if ctl.ResetEpoch > 0 {
		stale, current, err := w.epochSplit(ids, ctl.ResetEpoch)
		if err != nil {
			return at("select", err)
		}
		if len(stale) > 0 {
			if kill || len(current) == 0 {
				return w.retrain(ctx, stale, ctl, kill)
			}
			ids = current
		}
	}
	funded := kill || w.debt
	started := w.stepStart
	parentID, victimID, err := w.choose(ids, kill)
	if err != nil {
		return at("select", err)
	}
	pm, err := w.meta(parentID)
	if err != nil {
		return at("select", err)
	}
	pg, err := w.parentGenome(parentID)
	if err != nil {
		return at("read-parent", err)
	}
	var weights []byte
	if !w.cfg.NoInheritance {
		weights, err = w.store.ReadFile(parentID, WeightsFile, w.cfg.MaxWeightsBytes)
		if err != nil {
			return at("read-parent", err)
		}
	}
	if victimID != "" {
		if err := w.killSelected(victimID); err != nil {
			return err
		}
	}
	key, seed := w.nextKey()
	child, recs, err := Reproduce(pg, seed, ctl.mutations(w.cfg), false)
	if err != nil {
		return at("mutate", err)
	}
	m := &Meta{Parent: parentID, Generation: pm.Generation + 1, Mutations: recs, Epoch: ctl.ResetEpoch,
		Seed: seed, Key: key, Started: started}
	if funded {
		m.Replaced = w.replaced
	}
	w.log.Debug("reproducing", "parent", parentID, "parent_fitness", pm.Fitness, "victim", victimID,
		"mutations", len(recs), "epoch", ctl.ResetEpoch, "key", key)
	return w.trainAndPublish(ctx, child, weights, m, funded)
}

// parentGenome reads and decodes a parent's genome. A genome that does not decode although
// the storage verified its checksum is a corrupt individual: it is skipped from now on.
func (w *Worker) parentGenome(id string) (*genome.Genome, error) {
	data, err := w.store.ReadFile(id, GenomeFile, genome.MaxEncodedSize)
	if err != nil {
		return nil, err
	}
	g, err := genome.Decode(data)
	if err != nil {
		err = fmt.Errorf("population: individual %s: %s: %w: %w", id, GenomeFile, ErrBadMeta, err)
		w.markBad(id, err)
		return nil, fmt.Errorf("%w: %w", err, ErrGone) // err carries the prefix
	}
	return g, nil
}

// buildInitial trains and publishes one of the paper's initial individuals (no convolutions,
// learning rate 0.1) from fresh weights.
func (w *Worker) buildInitial(ctx context.Context, funded bool) error {
	started := w.stepStart
	key, seed := w.nextKey()
	g := genome.Initial(w.cfg.Input, w.cfg.Classes)
	m := &Meta{Seed: seed, Key: key, Started: started, Epoch: w.ctl.ResetEpoch}
	if funded {
		m.Replaced = w.replaced
	}
	w.log.Debug("building initial individual", "key", key)
	return w.trainAndPublish(ctx, g, nil, m, funded)
}

// nextKey names the next reproduction of this worker and derives its seed.
func (w *Worker) nextKey() (string, int64) {
	w.seq++
	key := fmt.Sprintf("%s/%d", w.id, w.seq)
	return key, ChildSeed(w.cfg.Seed, key)
}

// train runs the trainer under a watch that cancels it when the stop control is set or the
// wall-time budget ends.
func (w *Worker) train(ctx context.Context, job Job) (Outcome, error) {
	tctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	done := make(chan struct{})
	finished := make(chan struct{})
	last := w.ctl
	go func() {
		defer close(finished)
		w.watch(tctx, cancel, done, last)
	}()
	out, err := w.trainer.Train(tctx, job)
	close(done)
	<-finished
	if err != nil {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		if cause := context.Cause(tctx); errors.Is(cause, errStopRequested) || errors.Is(cause, errBudget) {
			w.log.Info("child abandoned", "seed", job.Seed, "why", cause)
			return out, cause
		}
		return out, at("train", fmt.Errorf("population: trainer: %w: %w", ErrFailed, err))
	}
	return out, nil
}

// watch reads the controls while a child trains: when control.json changes on this host
// (fsnotify, through the store's WatchControl) and every ControlPoll (the truth on NFS). It
// cancels the training when the stop control is set or the wall-time budget in force (last is
// the control read before the step) ends.
func (w *Worker) watch(ctx context.Context, cancel context.CancelCauseFunc, done <-chan struct{}, last Control) {
	wake := w.ctlWake
	var tick <-chan time.Time
	if wake == nil {
		t := time.NewTicker(w.cfg.ControlPoll)
		defer t.Stop()
		tick = t.C
	}
	wall := time.NewTimer(w.cfg.ControlPoll)
	defer wall.Stop()
	for {
		if l := last.Limits(w.cfg); l.MaxWall > 0 {
			left := l.MaxWall - w.now().Sub(w.start)
			if left <= 0 {
				cancel(errBudget)
				return
			}
			wall.Reset(left)
		} else {
			wall.Stop()
		}
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-wake:
		case <-tick:
		case <-wall.C:
			continue
		}
		c, err := ReadControl(w.store)
		if err != nil {
			continue
		}
		if c.Stop {
			cancel(errStopRequested)
			return
		}
		last = c
	}
}
