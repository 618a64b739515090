package storage

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestErrorsCarryThePrefixOnce drives representative failures through the exported API and
// checks the error style of errors.go: the message starts with "storage: ", says it once, and
// the sentinel still answers errors.Is.
func TestErrorsCarryThePrefixOnce(t *testing.T) {
	r := newTestRoot(t, newTestClock())
	id := publishTest(t, r, "w1", []byte("weights"), 0.5)
	corrupt := publishTest(t, r, "w1", []byte("weights"), 0.6)
	if err := os.WriteFile(filepath.Join(r.Dir(), dirPopulation, corrupt, "checkpoint"), []byte("WEIGHTS"), 0o644); err != nil {
		t.Fatal(err)
	}
	killed := publishTest(t, r, "w1", []byte("weights"), 0.7)
	if err := r.Kill(killed, "w2"); err != nil {
		t.Fatal(err)
	}
	never := newID(r.now())
	notExp := t.TempDir()
	cases := []struct {
		name string
		err  func() error
		want error
	}{
		{"kill a bad id", func() error { return r.Kill("../x", "w2") }, ErrBadName},
		{"kill with a bad killer", func() error { return r.Kill(id, "a/b") }, ErrBadName},
		{"kill a vanished individual", func() error { return r.Kill(never, "w2") }, ErrGone},
		{"kill a killed individual", func() error { return r.Kill(killed, "w3") }, ErrLostRace},
		{"read a corrupt file", func() error { _, err := r.ReadFile(corrupt, "checkpoint", 1<<20); return err }, ErrGone},
		{"read past the limit", func() error { _, err := r.ReadFile(id, "checkpoint", 2); return err }, ErrTooLarge},
		{"record of a vanished individual", func() error { _, err := r.Record(never); return err }, ErrGone},
		{"dead record never killed", func() error { _, err := r.DeadRecord(id); return err }, ErrGone},
		{"open a plain directory", func() error { _, err := Open(notExp, Options{}); return err }, ErrNotExperiment},
		{"init with another config", func() error { _, err := Init(r.Dir(), []byte(`{"population": 5}`), Options{}); return err }, ErrConfigMismatch},
		{"heartbeat of a bad worker", func() error { return r.Heartbeat("../w", nil) }, ErrBadName},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.err()
			if !errors.Is(err, c.want) {
				t.Fatalf("error %v, want one wrapping %v", err, c.want)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "storage: ") || strings.Count(msg, "storage:") != 1 {
				t.Errorf("%q: want the prefix \"storage: \" once, at the start", msg)
			}
			t.Log(msg)
		})
	}
}
