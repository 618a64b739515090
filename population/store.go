package population

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"evo/storage"
)

// Reader is the read side of an experiment's shared storage: what the queries (Status,
// Lineage, Timeline, Individuals, Show) need. *storage.Root provides it through FromStorage.
type Reader interface {
	// List returns the ids of the alive individuals, oldest first (ids sort by birth).
	List() ([]string, error)
	// Record returns the record of the alive individual id; ErrGone if it vanished.
	Record(id string) (*Record, error)
	// ReadFile returns the verified content of file name of the alive individual id, at most
	// max bytes; ErrGone if it vanished.
	ReadFile(id, name string, max int64) ([]byte, error)
	// Heartbeats returns the last heartbeat of every worker that ever wrote one.
	Heartbeats() ([]Heartbeat, error)
	// ReadHistory calls fn for every line of every worker's history log.
	ReadHistory(fn func(worker string, line []byte) error) error
	// Control returns control.json, or nil if none was written.
	Control() ([]byte, error)
}

// Store is everything a worker does to the shared storage. Every method is safe for
// concurrent use. Errors wrapping ErrLostRace or ErrGone are routine races.
type Store interface {
	Reader
	// Register marks worker as alive on this host until release is called.
	Register(worker string) (release func() error, err error)
	// Stage starts a new child of worker; its id is fixed now.
	Stage(worker string) (Staging, error)
	// Kill moves the alive individual id to the graveyard in one atomic step; exactly one
	// concurrent caller succeeds, the others get ErrLostRace or ErrGone.
	Kill(id, killer string) error
	// Heartbeat replaces worker's heartbeat with data.
	Heartbeat(worker string, data []byte) error
	// History opens worker's append-only history log.
	History(worker string) (HistoryWriter, error)
	// WriteControl replaces control.json.
	WriteControl(data []byte) error
}

// Staging is a child being written; Publish makes it an alive individual in one rename.
type Staging interface {
	ID() string
	WriteFile(name string, data []byte) error
	Publish(meta []byte) error
	Abort() error
}

// HistoryWriter appends events (JSON objects) to one worker's log.
type HistoryWriter interface {
	Append(event []byte) error
	Close() error
}

// Record is an individual's storage record: who published it, when, and population's Meta.
type Record struct {
	ID     string
	Worker string
	Born   time.Time
	Meta   json.RawMessage
}

// Heartbeat is a worker's last sign of life; Data is a WorkerStatus in JSON.
type Heartbeat struct {
	Worker string
	Time   time.Time
	Data   []byte
}

// FromStorage adapts an open experiment directory to Store.
func FromStorage(r *storage.Root) Store { return storageStore{r} }

type storageStore struct{ r *storage.Root }

func (s storageStore) List() ([]string, error) { return s.r.List() }

func (s storageStore) Record(id string) (*Record, error) {
	rec, err := s.r.Record(id)
	if err != nil {
		return nil, err
	}
	return &Record{ID: rec.ID, Worker: rec.Worker, Born: rec.Born, Meta: rec.Meta}, nil
}

func (s storageStore) ReadFile(id, name string, max int64) ([]byte, error) {
	return s.r.ReadFile(id, name, max)
}

func (s storageStore) Heartbeats() ([]Heartbeat, error) {
	hbs, err := s.r.Heartbeats()
	if err != nil {
		return nil, err
	}
	out := make([]Heartbeat, len(hbs))
	for i, h := range hbs {
		out[i] = Heartbeat{Worker: h.Worker, Time: h.Time, Data: h.Data}
	}
	return out, nil
}

func (s storageStore) ReadHistory(fn func(worker string, line []byte) error) error {
	return s.r.ReadHistory(fn)
}

func (s storageStore) Control() ([]byte, error) { return s.r.Control() }

func (s storageStore) Register(worker string) (func() error, error) { return s.r.Register(worker) }

func (s storageStore) Stage(worker string) (Staging, error) {
	st, err := s.r.Stage(worker)
	if err != nil {
		return nil, err
	}
	return st, nil
}

func (s storageStore) Kill(id, killer string) error { return s.r.Kill(id, killer) }

func (s storageStore) Heartbeat(worker string, data []byte) error {
	return s.r.Heartbeat(worker, data)
}

func (s storageStore) History(worker string) (HistoryWriter, error) {
	h, err := s.r.History(worker)
	if err != nil {
		return nil, err
	}
	return h, nil
}

func (s storageStore) WriteControl(data []byte) error { return s.r.WriteControl(data) }

// controlWatcher is implemented by stores that can wake a worker when control.json changes,
// so that a stop or a new budget reaches a training worker at once on this host.
type controlWatcher interface {
	// WatchControl wakes the channel when control.json may have changed, and at least every
	// `every`; the channel is closed when ctx ends.
	WatchControl(ctx context.Context, every time.Duration) <-chan struct{}
}

func (s storageStore) WatchControl(ctx context.Context, every time.Duration) <-chan struct{} {
	return s.r.WatchControl(ctx, every)
}

// readMeta decodes the population metadata of a record.
func readMeta(rec *Record) (*Meta, error) {
	if len(rec.Meta) == 0 {
		return nil, fmt.Errorf("population: individual %s has no metadata: %w", rec.ID, ErrBadMeta)
	}
	var m Meta
	if err := json.Unmarshal(rec.Meta, &m); err != nil {
		return nil, fmt.Errorf("population: individual %s: %v: %w", rec.ID, err, ErrBadMeta)
	}
	if m.ID == "" {
		m.ID = rec.ID
	}
	if m.Born.IsZero() {
		m.Born = rec.Born
	}
	return &m, nil
}

// recordMeta reads id's record and its metadata. A record whose metadata is not population's
// is reported as ErrGone wrapped with the reason, so that a worker treats it like a vanished
// individual (skips it) instead of failing.
func recordMeta(s Reader, id string) (*Meta, error) {
	rec, err := s.Record(id)
	if err != nil {
		return nil, err
	}
	m, err := readMeta(rec)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", err, ErrGone) // err carries the prefix
	}
	return m, nil
}
