package population

import (
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"evo/genome"
	"evo/storage"
)

// TestErrorChainsPrintEachPrefixOnce follows errors across the package boundary: a corrupt
// genome read by a worker, a record whose metadata is not population's, an unknown id. Each
// message starts with its package prefix, names every package once, and errors.Is still finds
// every sentinel on the way.
func TestErrorChainsPrintEachPrefixOnce(t *testing.T) {
	r := newRoot(t)
	publish := func(genomeJSON, meta string) string {
		t.Helper()
		st, err := r.Stage("w1")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.WriteFile(GenomeFile, []byte(genomeJSON)); err != nil {
			t.Fatal(err)
		}
		if err := st.Publish([]byte(meta)); err != nil {
			t.Fatal(err)
		}
		return st.ID()
	}
	badGenome := publish(`{"format_version": 1, "input": 7}`, `{}`)
	badMeta := publish(`{}`, `[1, 2]`)
	vanished := badMeta[:len(badMeta)-1] + "0" // an id of the right shape that never lived
	if strings.HasSuffix(badMeta, "0") {
		vanished = badMeta[:len(badMeta)-1] + "1"
	}
	s := FromStorage(r)
	w, err := NewWorker(s, newFakeTrainer(), testConfig(4), "w2", slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		err    func() error
		prefix string
		want   []error
	}{
		{"corrupt genome of a parent", func() error { _, err := w.parentGenome(badGenome); return err },
			"population: ", []error{ErrGone, ErrBadMeta, genome.ErrFormat}},
		{"metadata that is not population's", func() error { _, err := recordMeta(s, badMeta); return err },
			"population: ", []error{ErrGone, ErrBadMeta}},
		{"unknown individual", func() error { _, err := Show(s, storage.NewWorkerID()); return err },
			"population: ", []error{ErrUnknown}},
		{"kill of a vanished individual", func() error { return s.Kill(vanished, "w2") },
			"storage: ", []error{ErrGone}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.err()
			for _, want := range c.want {
				if !errors.Is(err, want) {
					t.Errorf("error %v does not wrap %v", err, want)
				}
			}
			if err == nil {
				return
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, c.prefix) {
				t.Errorf("%q does not start with %q", msg, c.prefix)
			}
			for _, p := range []string{"population:", "storage:", "genome:"} {
				if n := strings.Count(msg, p); n > 1 {
					t.Errorf("%q says %q %d times", msg, p, n)
				}
			}
			t.Log(msg)
		})
	}
}
