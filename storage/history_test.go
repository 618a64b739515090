package storage

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestReadHistoryFromOffsets(t *testing.T) {
	r := newTestRoot(t, newTestClock())
	h, err := r.History("w")
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []string{`{"n":1}`, `{"n":2}`} {
		if err := h.Append([]byte(ev)); err != nil {
			t.Fatal(err)
		}
	}
	h.Close()
	p := filepath.Join(r.Dir(), "history", "w.jsonl")
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\nnot json\n{\"n\":3") // a blank line, a damaged line, a torn last line
	f.Close()

	type line struct {
		off  int64
		text string
	}
	var got []line
	collect := func(off int64, l []byte) error { got = append(got, line{off, string(l)}); return nil }
	next, err := r.ReadHistoryFrom("w", 0, collect)
	if err != nil {
		t.Fatal(err)
	}
	want := []line{{0, `{"n":1}`}, {8, `{"n":2}`}, {17, "not json"}}
	if len(got) != len(want) {
		t.Fatalf("lines %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: %v, want %v", i, got[i], want[i])
		}
	}
	if next != 26 {
		t.Errorf("next offset %d, want 26 (the torn line is left for later)", next)
	}
	if b, err := r.ReadHistoryAt("w", 8, 7); err != nil || string(b) != `{"n":2}` {
		t.Errorf("ReadHistoryAt: %q, %v", b, err)
	}
	logs, err := r.HistoryLogs()
	if err != nil || len(logs) != 1 || logs[0].Worker != "w" || logs[0].Size != 32 {
		t.Errorf("HistoryLogs: %+v, %v", logs, err)
	}

	// The torn line completed: only it is read from the remembered offset.
	f, _ = os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("}\n")
	f.Close()
	got = nil
	if next, err = r.ReadHistoryFrom("w", next, collect); err != nil || len(got) != 1 || got[0] != (line{26, `{"n":3}`}) || next != 34 {
		t.Errorf("after completing the torn line: %v, next %d, %v", got, next, err)
	}
	if err := os.Truncate(p, 5); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ReadHistoryFrom("w", next, collect); !errors.Is(err, ErrHistoryShrunk) {
		t.Errorf("a shrunk log: %v, want ErrHistoryShrunk", err)
	}
}

func TestHistoryIndexFile(t *testing.T) {
	r := newTestRoot(t, newTestClock())
	if _, err := r.OpenHistoryIndex(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("no index yet: %v", err)
	}
	if err := r.WriteHistoryIndex([]byte("index\n")); err != nil {
		t.Fatal(err)
	}
	f, err := r.OpenHistoryIndex()
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	mustCheckClean(t, r) // history.index is part of the layout
}
