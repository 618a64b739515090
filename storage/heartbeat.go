package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"
)

// Heartbeat is the last sign of life of one worker.
type Heartbeat struct {
	// Worker is the worker's name.
	Worker string
	// Time is when the heartbeat was written, by the writer's clock (stored as the file's mtime).
	Time time.Time
	// Data is what the worker wrote (its status, as JSON by convention).
	Data []byte
}

// Heartbeat atomically replaces heartbeats/<worker>.json with data and stamps it with now.
func (r *Root) Heartbeat(worker string, data []byte) error {
	if err := checkName("worker", worker); err != nil {
		return fmt.Errorf("storage: heartbeat: %w", err)
	}
	if len(data) > MaxHeartbeatSize {
		return fmt.Errorf("storage: heartbeat %s: %d bytes, limit %d: %w", worker, len(data), MaxHeartbeatSize, ErrTooLarge)
	}
	if err := r.replaceFile(r.path(dirHeartbeats, worker+".json"), worker, data, r.now()); err != nil {
		return fmt.Errorf("storage: heartbeat %s: %w", worker, err)
	}
	return nil
}

// Heartbeats returns every worker's last heartbeat, sorted by worker. Foreign or unreadable
// files are skipped and logged.
func (r *Root) Heartbeats() ([]Heartbeat, error) {
	entries, err := r.fs.ReadDir(r.path(dirHeartbeats))
	if err != nil {
		return nil, fmt.Errorf("storage: heartbeats: %w", err)
	}
	var out []Heartbeat
	for _, e := range entries {
		worker, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || checkName("worker", worker) != nil || !e.Type().IsRegular() {
			r.log.Warn("storage: skipping foreign entry in heartbeats", "name", e.Name())
			continue
		}
		p := r.path(dirHeartbeats, e.Name())
		st, err := r.fs.Lstat(p)
		if err != nil {
			continue // replaced or removed meanwhile
		}
		data, err := r.readSmall(p, MaxHeartbeatSize)
		if err != nil {
			r.log.Warn("storage: skipping unreadable heartbeat", "file", p, "err", err)
			continue
		}
		out = append(out, Heartbeat{Worker: worker, Time: st.ModTime(), Data: data})
	}
	slices.SortFunc(out, func(a, b Heartbeat) int { return strings.Compare(a.Worker, b.Worker) })
	return out, nil
}

// WriteControl atomically replaces control.json, the live controls every worker polls
// (a period of more mutations, a population-wide weight reset).
func (r *Root) WriteControl(data []byte) error {
	if _, err := compactJSON(data); err != nil {
		return fmt.Errorf("storage: write control: not valid JSON: %w", err)
	}
	if len(data) > MaxConfigSize {
		return fmt.Errorf("storage: write control: %d bytes, limit %d: %w", len(data), MaxConfigSize, ErrTooLarge)
	}
	if err := r.replaceFile(r.path(fileControl), r.self, data, time.Time{}); err != nil {
		return fmt.Errorf("storage: write control: %w", err)
	}
	return nil
}

// Control returns the content of control.json, or nil (and no error) if none was written.
func (r *Root) Control() ([]byte, error) {
	data, err := r.readSmall(r.path(fileControl), MaxConfigSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("storage: control: %w", err)
	}
	return data, nil
}
