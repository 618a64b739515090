package population

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"evo/storage"
)

// Worker is one of the many identical evolvers of an experiment (package doc). Create it with
// NewWorker and call Run once.
type Worker struct {
	store   Store
	trainer Trainer
	cfg     Config
	id      string
	log     *slog.Logger
	now     func() time.Time
	seed    int64
	rng     *rand.Rand // selection draws; used by the Run goroutine only

	histMu sync.Mutex
	hist   HistoryWriter

	hbMu sync.Mutex // serialises heartbeat writes
	mu   sync.Mutex // guards st
	st   WorkerStatus

	// State of the Run goroutine.
	debt      bool             // killed an individual whose replacement is not yet published
	replaced  string           // the individual that debt killed
	bad       map[string]bool  // ids whose metadata or genome is unreadable, never selected
	filled    bool             // the population has reached its set-point once
	seq       int              // reproductions started, names the next child's key
	metas     map[string]*Meta // records are write-once, so metadata is cached by id
	ctl       Control          // the last control read successfully
	start     time.Time        // this invocation's start, from which MaxWall counts
	ctlWake   <-chan struct{}  // wakes when control.json may have changed (nil: poll)
	stopMsg   string           // why Run stopped, for a person
	base      totals           // totals of the last history scan
	own       totals           // this worker's births since that scan
	beats     totals           // the sum of all heartbeats' counts at the last read
	scanned   time.Time        // when the history was last scanned
	books     *books           // the history read so far, for the stop conditions (scan)
	debts     int              // other workers' debts at debtsAt
	debtsAt   time.Time
	failures  int       // consecutive failures, for back-off
	stepStart time.Time // when the current step began

	// The last change of the population's size this worker made, which a listing must show
	// before the worker changes the size again (caughtUp): an id it published without a kill
	// (awaitPresent) or culled, and when.
	await        string
	awaitPresent bool
	awaitSince   time.Time

	hbWatch storage.Watch // when this worker saw each other worker's heartbeat change (see others)
}

// NewWorker returns a worker named id (storage.NewWorkerID) that evolves the population of
// store with trainer under cfg. logger may be nil (discard); now may be nil (time.Now).
func NewWorker(store Store, trainer Trainer, cfg Config, id string, logger *slog.Logger, now func() time.Time) (*Worker, error) {
	if store == nil || trainer == nil {
		return nil, fmt.Errorf("population: new worker: store and trainer are required")
	}
	if id == "" {
		return nil, fmt.Errorf("population: new worker: empty worker id")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	seed := WorkerSeed(cfg.Seed, id)
	w := &Worker{
		store: store, trainer: trainer, cfg: cfg, id: id, now: now, seed: seed,
		log:   logger.With("worker", id),
		rng:   newRand(seed, streamSelect),
		metas: map[string]*Meta{},
		bad:   map[string]bool{},
	}
	w.st = WorkerStatus{Worker: id, Seed: seed, State: StateStarting,
		IntervalSeconds: cfg.HeartbeatInterval.Seconds(), Selection: cfg.Selection}
	return w, nil
}

// ID returns the worker's name.
func (w *Worker) ID() string { return w.id }

// Seed returns the worker's own seed (WorkerSeed of the experiment seed and its name).
func (w *Worker) Seed() int64 { return w.seed }

// Run evolves until a stop condition is met or the stop control is set (it returns nil), or
// ctx is cancelled (it returns ctx's error). A child in training when it stops is abandoned.
// Races with other workers are routine and retried; failures of a reproduction are recorded
// in the history and retried with back-off.
func (w *Worker) Run(ctx context.Context) error {
	release, err := w.store.Register(w.id)
	if err != nil {
		return fmt.Errorf("population: register worker %s: %w", w.id, err)
	}
	defer func() {
		if err := release(); err != nil {
			w.log.Warn("release worker registration", "err", err)
		}
	}()
	hist, err := w.store.History(w.id)
	if err != nil {
		return fmt.Errorf("population: open history of worker %s: %w", w.id, err)
	}
	w.hist = hist
	defer func() {
		if err := hist.Close(); err != nil {
			w.log.Warn("close history", "err", err)
		}
	}()
	started := w.now().UTC()
	w.start = w.cfg.WallStart
	if w.start.IsZero() {
		w.start = started
	}
	wctx, wstop := context.WithCancel(ctx)
	defer wstop()
	if cw, ok := w.store.(controlWatcher); ok {
		w.ctlWake = cw.WatchControl(wctx, w.cfg.ControlPoll)
	}
	w.mu.Lock()
	w.st.Started = started
	w.mu.Unlock()
	w.log.Info("worker starting", "seed", w.seed, "experiment_seed", w.cfg.Seed,
		"population", w.cfg.PopulationSize, "selection", w.cfg.Selection, "inherit", !w.cfg.NoInheritance)
	if err := w.event(Event{Event: EventStart, Seed: w.seed}); err != nil {
		return err
	}
	if err := w.scan(); err != nil {
		return err
	}

	hbCtx, hbStop := context.WithCancel(ctx)
	var hbDone sync.WaitGroup
	hbDone.Go(func() { w.heartbeatLoop(hbCtx) })

	reason, runErr := w.loop(ctx)

	hbStop()
	hbDone.Wait()
	w.setState(StateStopped, func(s *WorkerStatus) { s.StopReason = reason; s.Parent = "" })
	w.stopMsg = w.stopMessage(reason)
	w.log.Info("worker stopped", "reason", reason, "why", w.stopMsg)
	if err := w.event(Event{Event: EventStop, Reason: reason}); err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}

// StopMessage says, after Run returned, why the worker stopped, with the numbers and how to
// go on (e.g. "600 individuals trained (limit 600); raise it with `evo control
// --max-individuals 1200`").
func (w *Worker) StopMessage() string { return w.stopMsg }

// Stop reasons.
const (
	StopCancelled      = "cancelled"
	StopControl        = "stop-control"
	StopMaxIndividuals = "max-individuals"
	StopMaxFLOPs       = "max-flops"
	StopMaxWall        = "max-wall"
)

// loop runs reproduction steps until something stops it.
func (w *Worker) loop(ctx context.Context) (string, error) {
	for {
		if ctx.Err() != nil {
			return StopCancelled, ctx.Err()
		}
		// A child's Started precedes the control read, so a child started after a control
		// was written always obeys it.
		w.stepStart = w.now().UTC()
		ctl := w.readControl()
		if ctl.Stop {
			return StopControl, nil
		}
		if reason := w.budget(); reason != "" {
			w.repay(ctx, ctl, reason)
			return reason, nil
		}
		err := w.step(ctx, ctl)
		switch {
		case err == nil:
			w.failures = 0
		case errors.Is(err, errStopRequested):
			return StopControl, nil
		case errors.Is(err, errBudget):
			return w.budget(), nil
		case ctx.Err() != nil:
			return StopCancelled, ctx.Err()
		case isRace(err):
			w.raced(err)
		default:
			w.failed(ctx, err)
		}
	}
}

// repay makes one more attempt to publish the child a worker owes (it killed, then its
// child failed) when the individual or FLOPs budget stops it, so that a clean stop leaves the
// population at its set-point. A wall-time stop does not wait for another training.
func (w *Worker) repay(ctx context.Context, ctl Control, reason string) {
	if !w.debt || reason == StopMaxWall {
		return
	}
	w.log.Info("budget reached while owing a child: one more reproduction", "reason", reason)
	err := w.step(ctx, ctl)
	switch {
	case err == nil:
	case isRace(err):
		w.raced(err)
	case errors.Is(err, errStopRequested) || errors.Is(err, errBudget) || ctx.Err() != nil:
	default:
		w.failed(ctx, err)
	}
}

// raced records a routine race.
func (w *Worker) raced(err error) {
	w.mu.Lock()
	w.st.Races++
	w.mu.Unlock()
	w.log.Debug("race, step given up", "stage", stageOf(err), "err", err)
	if err := w.event(Event{Event: EventRace, Stage: stageOf(err), Error: err.Error()}); err != nil {
		w.log.Warn("append race event", "err", err)
	}
}

// Back-off after consecutive failures: the first failure retries at once (a failed child is
// routine, e.g. a too-large architecture); repeated failures (a broken disk, say) wait up to
// maxBackoff so that a sick worker does not spin.
const (
	firstBackoff = 100 * time.Millisecond
	maxBackoff   = 10 * time.Second
)

// failed records a failed step and backs off if failures repeat.
func (w *Worker) failed(ctx context.Context, err error) {
	w.mu.Lock()
	w.st.Failures++
	w.mu.Unlock()
	ev := Event{Event: EventFailure, Stage: stageOf(err), Error: err.Error()}
	var se *stepError
	if errors.As(err, &se) {
		ev.Status, ev.FLOPs = se.status, se.flops
		w.own.flops += se.flops
		w.mu.Lock()
		w.st.FLOPs += se.flops
		w.mu.Unlock()
	}
	w.log.Warn("reproduction failed", "stage", ev.Stage, "status", ev.Status, "err", err)
	if err := w.event(ev); err != nil {
		w.log.Warn("append failure event", "err", err)
	}
	w.failures++
	if w.failures < 2 {
		return
	}
	d := firstBackoff << min(w.failures-2, 10)
	d = min(d, maxBackoff)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// readControl returns the current control, or the last good one if it cannot be read.
func (w *Worker) readControl() Control {
	c, err := ReadControl(w.store)
	if err != nil {
		w.log.Warn("control unreadable, keeping the last one", "err", err)
		return w.ctl
	}
	if c.MutationsPerChild != w.ctl.MutationsPerChild || c.ResetEpoch != w.ctl.ResetEpoch || c.Stop != w.ctl.Stop {
		w.log.Info("control changed", "mutations_per_child", c.mutations(w.cfg), "reset_epoch", c.ResetEpoch, "stop", c.Stop)
	}
	if l := c.Limits(w.cfg); l != w.ctl.Limits(w.cfg) {
		w.log.Info("budgets changed", "max_individuals", l.MaxIndividuals, "max_flops", l.MaxFLOPs, "max_wall", l.MaxWall)
	}
	w.ctl = c
	return c
}

// event appends e to the worker's history.
func (w *Worker) event(e Event) error {
	e.Time = w.now().UTC()
	e.Worker = w.id
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("population: encode %s event: %w", e.Event, err)
	}
	w.histMu.Lock()
	defer w.histMu.Unlock()
	if err := w.hist.Append(line); err != nil {
		return fmt.Errorf("population: append %s event: %w", e.Event, err)
	}
	return nil
}
