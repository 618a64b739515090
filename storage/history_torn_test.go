package storage

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"syscall"
	"testing"
)

// shortFS writes only the first half of the next write of a history log, then fails it with
// ENOSPC, as a full disk does.
type shortFS struct {
	osFS
	armed *bool
}

func (s shortFS) OpenFile(name string, flag int, perm fs.FileMode) (file, error) {
	f, err := s.osFS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return shortFile{file: f, armed: s.armed}, nil
}

type shortFile struct {
	file
	armed *bool
}

func (f shortFile) Write(p []byte) (int, error) {
	if !*f.armed {
		return f.file.Write(p)
	}
	*f.armed = false
	n, err := f.file.Write(p[:len(p)/2])
	if err != nil {
		return n, err
	}
	return n, fmt.Errorf("short write: %w", syscall.ENOSPC)
}

// TestHistoryAppendAfterShortWrite: an append that a full disk cut short leaves a fragment in
// the log; the events appended after it are all readable (the fragment is a line of its own).
func TestHistoryAppendAfterShortWrite(t *testing.T) {
	r := newTestRoot(t, newTestClock())
	armed := false
	r.fs = shortFS{armed: &armed}
	h, err := r.History("w1")
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.Append([]byte(`{"event":"birth","n":1}`)); err != nil {
		t.Fatal(err)
	}
	armed = true
	if err := h.Append([]byte(`{"event":"birth","n":2}`)); err == nil {
		t.Fatal("the short write was not reported")
	}
	for n := 3; n <= 4; n++ {
		if err := h.Append(fmt.Appendf(nil, `{"event":"birth","n":%d}`, n)); err != nil {
			t.Fatal(err)
		}
	}
	var got []int
	err = r.ReadHistory(func(worker string, line []byte) error {
		var e struct{ N int }
		if json.Unmarshal(line, &e) == nil {
			got = append(got, e.N)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[1 3 4]" {
		t.Fatalf("events read back: %v, want [1 3 4] (the cut event lost, none after it)", got)
	}
}
