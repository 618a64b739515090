package population

import (
	"fmt"
	"time"
)

// totals are the experiment-wide counts the stop conditions read.
type totals struct {
	trained int     // births
	flops   float64 // cost of every individual built (births and trained failures)
}

// History summarises what the shared history says about the whole experiment.
type History struct {
	// Start is the time of the first worker start (zero if the history is empty).
	Start time.Time
	// Trained is the number of individuals ever published (births).
	Trained int
	// Initial is the number of initial individuals ever published.
	Initial int
	// Kills, Failures and Races count those events.
	Kills, Failures, Races int
	// FLOPs is the paper's cost of every individual ever built, dead ones included, plus the
	// cost of children that were trained but not published.
	FLOPs float64
	// Skipped counts history lines that were not events.
	Skipped int
}

// ReadHistorySummary summarises the whole history: from the index the collector keeps plus
// the logs past its offsets, or every log when there is no usable index.
func ReadHistorySummary(s Reader) (History, error) {
	b, err := openBooks(s, false, false)
	if err != nil {
		return History{}, err
	}
	return b.summary, nil
}

// scan brings the history totals up to date for the stop conditions. The worker keeps its
// books between scans, so each scan reads only what the logs gained since the last one (see
// books.update); the first one starts from the index.
func (w *Worker) scan() error {
	var err error
	if w.books == nil {
		w.books, err = openBooks(w.store, false, false)
	} else {
		err = w.books.update()
	}
	if err != nil {
		w.books = nil
		return fmt.Errorf("population: worker %s: %w", w.id, err)
	}
	h := w.books.summary
	w.base = totals{trained: h.Trained, flops: h.FLOPs}
	w.own = totals{}
	w.scanned = w.now()
	if h.Trained >= w.cfg.PopulationSize {
		w.filled = true
	}
	return nil
}

// Limits are the budgets in force: experiment.json's, each possibly replaced by control.json's
// (Control.Limits). MaxIndividuals and MaxFLOPs count the whole experiment; MaxWall counts one
// invocation. 0 means no limit.
type Limits struct {
	MaxIndividuals int           `json:"max_individuals"`
	MaxFLOPs       float64       `json:"max_flops"`
	MaxWall        time.Duration `json:"max_wall"`
}

// Reached returns the first budget of l that the experiment's totals (trained, flops) or this
// invocation's wall time have reached, as a stop reason (StopMaxIndividuals, StopMaxFLOPs,
// StopMaxWall) and a sentence for a person that gives the numbers and how to go on; "" if none.
func (l Limits) Reached(trained int, flops float64, wall time.Duration) (reason, message string) {
	switch {
	case l.MaxIndividuals > 0 && trained >= l.MaxIndividuals:
		reason = StopMaxIndividuals
	case l.MaxFLOPs > 0 && flops >= l.MaxFLOPs:
		reason = StopMaxFLOPs
	case l.MaxWall > 0 && wall >= l.MaxWall:
		reason = StopMaxWall
	default:
		return "", ""
	}
	return reason, StopMessage(reason, l, trained, flops)
}

// StopMessage says why a worker or a run stopped for reason (a Stop* constant), with the
// numbers and how to go on when a budget of l stopped it (trained and flops are the
// experiment's totals).
func StopMessage(reason string, l Limits, trained int, flops float64) string {
	switch reason {
	case StopControl:
		return "`evo control --stop` is in force; clear it with `evo control --resume`"
	case StopCancelled:
		return "interrupted; run the same command again to resume"
	case StopMaxIndividuals:
		return fmt.Sprintf("%d individuals trained (limit %d); raise it with `evo control --max-individuals %d`",
			trained, l.MaxIndividuals, 2*l.MaxIndividuals)
	case StopMaxFLOPs:
		return fmt.Sprintf("%.3g FLOPs spent (limit %.3g); raise it with `evo control --max-flops %.3g`",
			flops, l.MaxFLOPs, 2*l.MaxFLOPs)
	case StopMaxWall:
		return fmt.Sprintf("wall budget of %s for this run reached; run the same command again for another %s, or change it with `evo control --max-wall`",
			l.MaxWall, l.MaxWall)
	}
	return reason
}

// limits returns the budgets in force under the last control read.
func (w *Worker) limits() Limits { return w.ctl.Limits(w.cfg) }

// totals returns the larger of two estimates of the experiment's totals: the history, read
// at most every StopCheckInterval, plus this worker's own births since; and the sum of the
// counts in all heartbeats, read at every step (cheap, but short of the truth by births not
// yet in a heartbeat, and by heartbeat files lost).
func (w *Worker) totals() totals {
	t := totals{trained: w.base.trained + w.own.trained, flops: w.base.flops + w.own.flops}
	t.trained = max(t.trained, w.beats.trained)
	t.flops = max(t.flops, w.beats.flops)
	return t
}

// budget returns the stop condition that is met, or "". The limits are experiment.json's
// replaced by control.json's (read before every step, so a raised or lowered budget counts
// from the next step on). MaxWall counts from this invocation's start (Config.WallStart) and
// is exact. MaxIndividuals and MaxFLOPs use totals(); a run overshoots by the children in
// training when the limit is reached (at most one per worker) plus births that neither
// estimate saw yet.
func (w *Worker) budget() string {
	l := w.limits()
	now := w.now()
	if l.MaxWall > 0 && now.Sub(w.start) >= l.MaxWall {
		return StopMaxWall
	}
	if l.MaxIndividuals == 0 && l.MaxFLOPs == 0 {
		return ""
	}
	if now.Sub(w.scanned) >= w.cfg.StopCheckInterval {
		if err := w.scan(); err != nil {
			w.log.Warn("stop conditions: history unreadable, using the last totals", "err", err)
		}
	}
	t := w.totals()
	reason, _ := l.Reached(t.trained, t.flops, 0)
	return reason
}

// stopMessage says why the worker stopped for reason.
func (w *Worker) stopMessage(reason string) string {
	t := w.totals()
	return StopMessage(reason, w.limits(), t.trained, t.flops)
}
