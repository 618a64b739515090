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
	if !h.Start.IsZero() && (w.start.IsZero() || h.Start.Before(w.start)) {
		w.start = h.Start
	}
	if w.start.IsZero() {
		w.start = w.scanned
	}
	if h.Trained >= w.cfg.PopulationSize {
		w.filled = true
	}
	return nil
}

// budget returns the stop condition that is met, or "". MaxWall is exact. MaxIndividuals and
// MaxFLOPs take the larger of two estimates of the experiment's totals: the history, read at
// most every StopCheckInterval, plus this worker's own births since; and the sum of the counts
// in all heartbeats, read at every step (cheap, but short of the truth by births not yet in a
// heartbeat, and by heartbeat files lost). A run overshoots by the children in training when
// the limit is reached (at most one per worker) plus births that neither estimate saw yet.
func (w *Worker) budget() string {
	now := w.now()
	if w.cfg.MaxWall > 0 && now.Sub(w.start) >= w.cfg.MaxWall {
		return StopMaxWall
	}
	if w.cfg.MaxIndividuals == 0 && w.cfg.MaxFLOPs == 0 {
		return ""
	}
	if now.Sub(w.scanned) >= w.cfg.StopCheckInterval {
		if err := w.scan(); err != nil {
			w.log.Warn("stop conditions: history unreadable, using the last totals", "err", err)
		}
	}
	t := totals{trained: w.base.trained + w.own.trained, flops: w.base.flops + w.own.flops}
	t.trained = max(t.trained, w.beats.trained)
	t.flops = max(t.flops, w.beats.flops)
	if w.cfg.MaxIndividuals > 0 && t.trained >= w.cfg.MaxIndividuals {
		return StopMaxIndividuals
	}
	if w.cfg.MaxFLOPs > 0 && t.flops >= w.cfg.MaxFLOPs {
		return StopMaxFLOPs
	}
	return ""
}
