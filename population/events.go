package population

import (
	"encoding/json"
	"fmt"
	"time"
)

// History event names. Each event is one JSON line in its worker's append-only log; the logs
// outlive garbage collection and feed Status, Lineage and Timeline.
const (
	// EventStart: a worker started (Seed is its own seed).
	EventStart = "start"
	// EventBirth: an individual was published (Meta is its full metadata).
	EventBirth = "birth"
	// EventKill: Worker killed ID (Fitness is the victim's; Cause why).
	EventKill = "kill"
	// EventFailure: a reproduction failed at Stage with Error (FLOPs spent, if any).
	EventFailure = "failure"
	// EventRace: a step was given up at Stage because another worker interfered.
	EventRace = "race"
	// EventStop: a worker stopped for Reason.
	EventStop = "stop"
)

// Kill causes.
const (
	// CauseSelection: the loser of a selection (tournament, aging, random).
	CauseSelection = "selection"
	// CauseRoom: killed to make room for a child published without a preceding kill when the
	// population was already full.
	CauseRoom = "room"
	// CauseCull: killed because the population was above its set-point.
	CauseCull = "cull"
)

// Event is one history line.
type Event struct {
	Event  string    `json:"event"`
	Time   time.Time `json:"time"`
	Worker string    `json:"worker"`
	// ID is the child (birth) or the victim (kill).
	ID      string  `json:"id,omitempty"`
	Fitness float64 `json:"fitness,omitempty"`
	Cause   string  `json:"cause,omitempty"`
	Meta    *Meta   `json:"meta,omitempty"`
	// Stage names the step of a failure or a race ("select", "kill", "train", "publish" …).
	Stage  string `json:"stage,omitempty"`
	Error  string `json:"error,omitempty"`
	Status string `json:"status,omitempty"`
	// FLOPs spent on a child that was not published (failure events).
	FLOPs  float64 `json:"flops,omitempty"`
	Seed   int64   `json:"seed,omitempty"`
	Reason string  `json:"reason,omitempty"`
}

// ReadEvents calls fn for every well-formed event of every worker's history, logs in worker
// order and events in the order they were written. Lines that are not events (a torn line, a
// foreign file) are skipped and counted in the returned number.
func ReadEvents(s Reader, fn func(Event) error) (skipped int, err error) {
	err = s.ReadHistory(func(worker string, line []byte) error {
		var e Event
		if json.Unmarshal(line, &e) != nil || e.Event == "" {
			skipped++
			return nil
		}
		if e.Worker == "" {
			e.Worker = worker
		}
		if e.Event == EventBirth && (e.Meta == nil || e.Meta.ID == "") {
			skipped++
			return nil
		}
		return fn(e)
	})
	if err != nil {
		return skipped, fmt.Errorf("population: read history: %w", err)
	}
	return skipped, nil
}
