package population

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"
)

// Worker states in heartbeats.
const (
	StateStarting   = "starting"
	StateSelecting  = "selecting"
	StateTraining   = "training"
	StatePublishing = "publishing"
	StateStopped    = "stopped"
)

// heartbeatStaleFactor: a heartbeat older than this many of its worker's intervals means the
// worker is dead. Three intervals absorb a slow write and NFS attribute caching of a few
// seconds without keeping a dead worker's debt counted for long.
const heartbeatStaleFactor = 3

// WorkerStatus is what a worker writes in its heartbeat.
type WorkerStatus struct {
	Worker    string `json:"worker"`
	Seed      int64  `json:"seed"`
	Selection string `json:"selection"`
	// State is one of the State* constants.
	State string `json:"state"`
	// Debt is true while the worker has killed an individual and not yet published the child
	// that replaces it. Other workers count debts to know whether the population is full.
	Debt bool `json:"debt"`
	// Pending is true while the worker is about to publish a child without a kill of its own
	// (an initial individual, a regrowth). Other workers count it like a debt.
	Pending bool `json:"pending"`
	// ClaimChanges counts every change of Debt or Pending. A reader that sees it change between
	// two reads knows the worker claimed and released a place in between (see makeRoom).
	ClaimChanges int64 `json:"claim_changes"`
	// Parent is the parent of the child in training.
	Parent string `json:"parent,omitempty"`
	Births int    `json:"births"`
	// FLOPs is the cost of every child this worker built (published or trained and refused).
	FLOPs    float64   `json:"flops"`
	Kills    int       `json:"kills"`
	Races    int       `json:"races"`
	Failures int       `json:"failures"`
	Started  time.Time `json:"started"`
	// IntervalSeconds is the worker's heartbeat interval.
	IntervalSeconds float64 `json:"interval_seconds"`
	StopReason      string  `json:"stop_reason,omitempty"`
	// RSSBytes is the worker process's resident memory (0: unknown on this platform) and
	// HeapLiveBytes its Go heap still in use after the last GC, both when the heartbeat was
	// written. Workers that share one process (as in tests) report the same figures.
	RSSBytes int64 `json:"rss_bytes,omitempty"`
	// Host is the host name of the worker's machine.
	Host          string `json:"host,omitempty"`
	HeapLiveBytes int64  `json:"heap_live_bytes,omitempty"`
	// Time is the heartbeat's time (from the store, not from the data).
	Time time.Time `json:"time"`
}

// ParseHeartbeat decodes a heartbeat written by a worker.
func ParseHeartbeat(h Heartbeat) (WorkerStatus, bool) {
	var s WorkerStatus
	if json.Unmarshal(h.Data, &s) != nil {
		return WorkerStatus{Worker: h.Worker, Time: h.Time}, false
	}
	s.Worker, s.Time = h.Worker, h.Time
	return s, true
}

// Alive reports whether the worker looks alive at now: it has not stopped and its last
// heartbeat is younger than three of its intervals.
func (s WorkerStatus) Alive(now time.Time) bool {
	if s.State == StateStopped {
		return false
	}
	return now.Sub(s.Time) <= heartbeatStaleFactor*s.interval()
}

// interval is the worker's heartbeat interval (the default if it did not say).
func (s WorkerStatus) interval() time.Duration {
	iv := time.Duration(s.IntervalSeconds * float64(time.Second))
	if iv <= 0 {
		iv = DefaultHeartbeatInterval
	}
	return iv
}

// setState changes the worker's status; a change of debt is written at once, because other
// workers decide on it.
func (w *Worker) setState(state string, change func(*WorkerStatus)) {
	w.mu.Lock()
	debt := w.st.Debt
	w.st.State = state
	if change != nil {
		change(&w.st)
	}
	now := w.st.Debt != debt || state == StateStopped
	w.mu.Unlock()
	if now {
		w.beat()
	}
}

// setDebt records whether the worker holds a kill whose child is not yet published, and
// writes the heartbeat at once.
func (w *Worker) setDebt(debt bool) {
	w.debt = debt
	w.mu.Lock()
	changed := w.st.Debt != debt
	w.st.Debt = debt
	if changed {
		w.st.ClaimChanges++
	}
	w.mu.Unlock()
	if changed {
		w.beat()
	}
}

// setPending announces (or withdraws) an unfunded publish, and writes the heartbeat at once.
func (w *Worker) setPending(pending bool) {
	w.mu.Lock()
	changed := w.st.Pending != pending
	w.st.Pending = pending
	if changed {
		w.st.ClaimChanges++
	}
	w.mu.Unlock()
	if changed {
		w.beat()
	}
}

// beat writes the heartbeat.
func (w *Worker) beat() {
	w.hbMu.Lock()
	defer w.hbMu.Unlock()
	rss, heap := residentBytes(), liveHeapBytes()
	w.mu.Lock()
	w.st.RSSBytes, w.st.HeapLiveBytes = rss, heap
	if w.st.Host == "" {
		w.st.Host = hostName()
	}
	data, err := json.Marshal(w.st)
	w.mu.Unlock()
	if err == nil {
		err = w.store.Heartbeat(w.id, data)
	}
	if err != nil {
		w.log.Warn("write heartbeat", "err", err)
	}
}

// heartbeatLoop writes the heartbeat every interval until ctx ends.
func (w *Worker) heartbeatLoop(ctx context.Context) {
	w.beat()
	t := time.NewTicker(w.cfg.HeartbeatInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			w.beat()
		}
	}
}

// othersDebts counts the alive workers other than w that hold a debt or a pending unfunded
// publish. It reads every heartbeat each time: a cached count goes stale exactly when steps
// are fast, and then makes workers regrow instead of reproducing with a kill.
func (w *Worker) othersDebts() int {
	others, err := w.others()
	if err != nil {
		w.log.Warn("read heartbeats", "err", err)
		return w.debts
	}
	n := 0
	for _, s := range others {
		if s.Debt || s.Pending {
			n++
		}
	}
	w.debts = n
	return n
}

// others reads the heartbeats of the workers other than w that are not dead. A worker is dead
// when it said it stopped, or when w has watched its heartbeat (time and content) unchanged for
// more than heartbeatStaleFactor of its intervals on w's own clock: a heartbeat's time comes
// from its writer's clock, which may be minutes off, so it is never compared with w's clock.
// Until then its claims count (the storage package's liveness rule: unknown is not dead). On
// the way it sums the births and FLOPs of all heartbeats, dead workers' included, into w.beats:
// a lower bound of the experiment's totals that is far cheaper than reading the history (see
// budget).
func (w *Worker) others() (map[string]WorkerStatus, error) {
	hbs, err := w.store.Heartbeats()
	if err != nil {
		return nil, err
	}
	now := w.now()
	var sum totals
	out := make(map[string]WorkerStatus, len(hbs))
	for _, h := range hbs {
		s, ok := ParseHeartbeat(h)
		if !ok {
			continue
		}
		sum.trained += s.Births
		sum.flops += s.FLOPs
		if s.Worker == w.id || s.State == StateStopped {
			continue
		}
		fp := fmt.Sprintf("%d/%x", h.Time.UnixNano(), sha256.Sum256(h.Data))
		unchanged, _ := w.hbWatch.Observe(s.Worker, fp, now)
		if unchanged <= heartbeatStaleFactor*s.interval() {
			out[s.Worker] = s
		}
	}
	w.beats = sum
	return out, nil
}

// claimsBetween counts the workers that may hold a place between two heartbeat reads: a
// claim set in either read, a worker whose claims changed in between (it may have claimed and
// released a place while the listing was taken), or one seen in only one read.
func claimsBetween(before, after map[string]WorkerStatus) int {
	n := 0
	for id, a := range after {
		b, ok := before[id]
		if !ok || a.Debt || a.Pending || b.Debt || b.Pending || a.ClaimChanges != b.ClaimChanges {
			n++
		}
	}
	for id := range before {
		if _, ok := after[id]; !ok {
			n++
		}
	}
	return n
}
