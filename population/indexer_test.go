package population

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"evo/genome"
	"evo/storage"
)

// histSim writes synthetic but well-formed histories: births with parents among earlier
// births, kills of the living, failures, races, starts and stops.
type histSim struct {
	t     testing.TB
	root  *storage.Root
	rng   *rand.Rand
	now   time.Time
	alive []string
	gen   map[string]int
	n     int
}

func newHistSim(t testing.TB, root *storage.Root, seed uint64) *histSim {
	return &histSim{t: t, root: root, rng: rand.New(rand.NewPCG(seed, 1)), gen: map[string]int{},
		now: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
}

func (h *histSim) newID() string {
	return h.now.Format("20060102T150405.000000000Z") + fmt.Sprintf("-%012x", h.rng.Uint64()&0xffffffffffff)
}

// event returns the next random event of worker (as JSON).
func (h *histSim) event(worker string) []byte {
	h.n++
	h.now = h.now.Add(time.Duration(1+h.rng.IntN(3000)) * time.Millisecond)
	e := Event{Time: h.now, Worker: worker}
	switch r := h.rng.IntN(100); {
	case r < 3:
		e.Event, e.Seed = EventStart, h.rng.Int64()
	case r < 45 || len(h.alive) < 8:
		id := h.newID()
		m := &Meta{ID: id, Born: h.now, Fitness: float64(h.rng.IntN(10000)) / 10000, Status: StatusOK,
			FLOPs: FLOPs{Total: float64(1 + h.rng.IntN(1_000_000))}, Worker: worker, Steps: 30}
		if len(h.alive) > 0 && h.rng.IntN(10) > 0 {
			m.Parent = h.alive[h.rng.IntN(len(h.alive))]
			m.Generation = h.gen[m.Parent] + 1
			m.Mutations = []genome.Record{{Name: "alter-learning-rate", Detail: "lr 0.1→0.12", Applied: true}}
		}
		if h.rng.IntN(20) == 0 {
			m.Status, m.Fitness = StatusDiverged, 0
		}
		h.gen[id] = m.Generation
		h.alive = append(h.alive, id)
		e.Event, e.ID, e.Meta = EventBirth, id, m
	case r < 85:
		i := h.rng.IntN(len(h.alive))
		e.Event, e.ID, e.Cause = EventKill, h.alive[i], CauseSelection
		h.alive[i] = h.alive[len(h.alive)-1]
		h.alive = h.alive[:len(h.alive)-1]
	case r < 92:
		e.Event, e.Stage, e.Error, e.FLOPs = EventFailure, "train", "boom", float64(h.rng.IntN(1000))
	case r < 98:
		e.Event, e.Stage = EventRace, "kill"
	default:
		e.Event, e.Reason = EventStop, "test"
	}
	b, err := json.Marshal(e)
	if err != nil {
		h.t.Fatal(err)
	}
	return b
}

// appendEvents appends n random events spread over workers.
func (h *histSim) appendEvents(workers []string, n int) {
	h.t.Helper()
	logs := map[string]*storage.History{}
	for _, w := range workers {
		l, err := h.root.History(w)
		if err != nil {
			h.t.Fatal(err)
		}
		logs[w] = l
	}
	for range n {
		w := workers[h.rng.IntN(len(workers))]
		if err := logs[w].Append(h.event(w)); err != nil {
			h.t.Fatal(err)
		}
	}
	for _, l := range logs {
		l.Close()
	}
}

func appendRaw(t testing.TB, root *storage.Root, worker, s string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(root.Dir(), "history", worker+".jsonl"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func historySize(t testing.TB, root *storage.Root) int64 {
	t.Helper()
	logs, err := root.HistoryLogs()
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, l := range logs {
		n += l.Size
	}
	return n
}

// fullSummary is the summary of a full read by a store without offsets (the reference).
func fullSummary(t testing.TB, s Reader) History {
	t.Helper()
	b := newBooks(false, false)
	if err := b.readAll(s); err != nil {
		t.Fatal(err)
	}
	return b.summary
}

// freshSummary reads the whole history from the start with new books (there is no index in
// these tests). Unlike fullSummary it counts lines that are not JSON.
func freshSummary(t testing.TB, s Reader) History {
	t.Helper()
	b, err := openBooks(s, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if b.fromIndex {
		t.Fatal("unexpected index")
	}
	return b.summary
}

// readerOnly hides everything but Reader: queries on it read the whole history.
type readerOnly struct{ Reader }

func TestBooksReadOnlyAppendedLines(t *testing.T) {
	root := newRoot(t)
	s := FromStorage(root)
	sim := newHistSim(t, root, 1)
	workers := []string{"w1", "w2", "w3"}
	sim.appendEvents(workers, 300)

	b, err := openBooks(s, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if b.summary != fullSummary(t, readerOnly{s}) {
		t.Fatalf("first read %+v, full read %+v", b.summary, fullSummary(t, readerOnly{s}))
	}

	// Appends: the next update reads the new bytes (plus a few bytes to recognise each grown
	// file), not the old ones.
	before := historySize(t, root)
	sim.appendEvents(workers[:1], 20)
	grown := historySize(t, root) - before
	if err := b.update(); err != nil {
		t.Fatal(err)
	}
	if b.bytesRead < grown || b.bytesRead > grown+2*fpLen {
		t.Errorf("update read %d bytes for %d appended", b.bytesRead, grown)
	}
	if b.summary != fullSummary(t, readerOnly{s}) {
		t.Errorf("after appends %+v, full read %+v", b.summary, fullSummary(t, readerOnly{s}))
	}
	if err := b.update(); err != nil || b.bytesRead != 0 {
		t.Errorf("an update with nothing new read %d bytes (err %v)", b.bytesRead, err)
	}

	// A torn last line is left for later, never counted, never fatal.
	want := b.summary
	appendRaw(t, root, "w2", `{"event":"race","time":"2026-11-02T00:00:00Z","sta`)
	if err := b.update(); err != nil {
		t.Fatal(err)
	}
	if b.summary != want {
		t.Errorf("a torn line changed the summary: %+v, want %+v", b.summary, want)
	}
	appendRaw(t, root, "w2", `ge":"kill"}`+"\n")
	if err := b.update(); err != nil {
		t.Fatal(err)
	}
	want.Races++
	if b.summary != want {
		t.Errorf("the completed line: %+v, want %+v", b.summary, want)
	}

	// A complete line that is not JSON is counted as skipped.
	appendRaw(t, root, "w3", "not json\n")
	if err := b.update(); err != nil {
		t.Fatal(err)
	}
	want.Skipped++
	if b.summary != want {
		t.Errorf("a damaged line: %+v, want %+v", b.summary, want)
	}

	// A truncated log, and a log replaced by a longer one with other content, are re-read.
	p := filepath.Join(root.Dir(), "history", "w1.jsonl")
	if err := os.Truncate(p, 100); err != nil {
		t.Fatal(err)
	}
	appendRaw(t, root, "w1", "\n")
	if err := b.update(); err != nil {
		t.Fatal(err)
	}
	if fresh := freshSummary(t, s); b.summary != fresh {
		t.Errorf("after a truncation %+v, a fresh read %+v", b.summary, fresh)
	}
	other := newRoot(t)
	newHistSim(t, other, 99).appendEvents([]string{"w1"}, 400)
	data, err := os.ReadFile(filepath.Join(other.Dir(), "history", "w1.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p+".new", data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(p+".new", p); err != nil {
		t.Fatal(err)
	}
	if err := b.update(); err != nil {
		t.Fatal(err)
	}
	if fresh := freshSummary(t, s); b.summary != fresh || fresh.Trained < 100 {
		t.Errorf("after a replacement %+v, a fresh read %+v", b.summary, fresh)
	}
}

// queries is everything the read side answers, as JSON, for comparisons.
func queries(t testing.TB, s Reader, now time.Time, ids []string) string {
	t.Helper()
	st, err := Status(s, now)
	if err != nil {
		t.Fatal(err)
	}
	tl, err := TimelineOf(s)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{"status": st, "timeline": tl}
	for _, id := range ids {
		l, err := LineageOf(s, id)
		if err != nil {
			t.Fatal(err)
		}
		in, err := Show(s, id)
		if err != nil {
			t.Fatal(err)
		}
		out["lineage "+id], out["show "+id] = l, in
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestIndexEquivalentToFullRead(t *testing.T) {
	root := newRoot(t)
	s := FromStorage(root)
	sim := newHistSim(t, root, 2)
	workers := []string{"a", "b", "c", "d", "e"}
	sim.appendEvents(workers, 1500)
	// (The reference full read drops lines that are not JSON before counting; a JSON line
	// that is not an event is counted by both.)
	appendRaw(t, root, "b", `{"not":"an event"}`+"\n")
	written := sim.now.Add(time.Minute)
	res, err := UpdateIndex(s, false, written)
	if err != nil || !res.Written || res.Individuals == 0 {
		t.Fatalf("first index: %+v, %v", res, err)
	}
	if _, err := os.Stat(filepath.Join(root.Dir(), "history.index")); err != nil {
		t.Fatal(err)
	}
	if res, err := UpdateIndex(s, false, written); err != nil || res.Written {
		t.Errorf("an index with an empty tail was rewritten: %+v, %v", res, err)
	}
	sim.appendEvents(workers[1:3], 400) // the tail past the index
	appendRaw(t, root, "c", `{"event":"birth","time":"2026-1`)

	var ids []string
	for i := 0; i < len(sim.alive); i += len(sim.alive)/5 + 1 {
		ids = append(ids, sim.alive[i])
	}
	for _, now := range []time.Time{sim.now.Add(time.Minute), sim.now.Add(2 * time.Hour), written.Add(-2 * time.Hour)} {
		withIndex := queries(t, s, now, ids)
		full := queries(t, readerOnly{s}, now, ids)
		if withIndex != full {
			t.Fatalf("at %s the index and a full read differ:\nindex: %.3000s\nfull:  %.3000s", now, withIndex, full)
		}
	}
	b, err := openBooks(s, true, true)
	if err != nil || !b.fromIndex || b.tail == 0 {
		t.Fatalf("books: from index %v, tail %d, err %v", b.fromIndex, b.tail, err)
	}
	// Forced, the index covers the tail too, and still agrees.
	if res, err := UpdateIndex(s, true, sim.now); err != nil || !res.Written {
		t.Fatalf("forced index: %+v, %v", res, err)
	}
	if got, want := queries(t, s, sim.now, ids), queries(t, readerOnly{s}, sim.now, ids); got != want {
		t.Fatal("after a rewrite the index and a full read differ")
	}
}

func TestCorruptIndexFallsBackToFullRead(t *testing.T) {
	var logs bytes.Buffer
	dir := testDir(t)
	root, err := storage.Init(dir, []byte(`{"test":true}`), storage.Options{
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	s := FromStorage(root)
	sim := newHistSim(t, root, 3)
	sim.appendEvents([]string{"x", "y"}, 600)
	ids := sim.alive[:3]
	want := queries(t, readerOnly{s}, sim.now, ids)
	if _, err := UpdateIndex(s, true, sim.now); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "history.index")
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	head := bytes.IndexByte(good, '\n')
	for name, bad := range map[string][]byte{
		"table byte flipped": func() []byte {
			b := bytes.Clone(good)
			b[head+10] ^= 0x20
			return b
		}(),
		"header garbage": append([]byte("{not json\n"), good[head+1:]...),
		"truncated":      good[:head+len(good[head:])/2],
		"empty":          nil,
	} {
		if err := os.WriteFile(p, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		logs.Reset()
		if got := queries(t, s, sim.now, ids); got != want {
			t.Errorf("%s: the queries differ from a full read", name)
		}
		if !bytes.Contains(logs.Bytes(), []byte("history index not used")) {
			t.Errorf("%s: no debug line says the index was not used:\n%s", name, logs.String())
		}
		// The collector replaces an unusable index; one whose table alone is damaged (its
		// header and size are right) is replaced when forced, as `evo gc --reindex` does, or
		// when the next 2 MiB of history arrive.
		force := name == "table byte flipped"
		if res, err := UpdateIndex(s, force, sim.now); err != nil || !res.Written {
			t.Errorf("%s: the collector did not rewrite it: %+v, %v", name, res, err)
		}
	}
	// An index that names a log that is now shorter than indexed is not used either.
	if err := os.WriteFile(p, good, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(filepath.Join(dir, "history", "x.jsonl"), 10); err != nil {
		t.Fatal(err)
	}
	if got, want := queries(t, s, sim.now, nil), queries(t, readerOnly{s}, sim.now, nil); got != want {
		t.Error("with a truncated log the index was trusted")
	}
}

// TestBudgetScanReadsOnlyNewEvents measures what a worker's budget check reads: with 50
// workers' logs already long, a check after each worker appended one event reads those
// events (and a few bytes per grown log to recognise it), not the history.
func TestBudgetScanReadsOnlyNewEvents(t *testing.T) {
	root := newRoot(t)
	s := FromStorage(root)
	sim := newHistSim(t, root, 4)
	var workers []string
	for i := range 50 {
		workers = append(workers, fmt.Sprintf("w%02d", i))
	}
	sim.appendEvents(workers, 5000)
	if _, err := UpdateIndex(s, true, sim.now); err != nil {
		t.Fatal(err)
	}
	sim.appendEvents(workers, 200)
	b, err := openBooks(s, false, false)
	if err != nil || !b.fromIndex {
		t.Fatalf("a worker's first scan did not start from the index: %v", err)
	}
	total := historySize(t, root)
	if b.bytesRead > total/5 {
		t.Errorf("the first scan read %d of %d history bytes; the index should have spared most", b.bytesRead, total)
	}
	var perCheck []int64
	for range 5 {
		before := historySize(t, root)
		for _, w := range workers {
			sim.appendEvents([]string{w}, 1)
		}
		appended := historySize(t, root) - before
		if err := b.update(); err != nil {
			t.Fatal(err)
		}
		if b.bytesRead < appended || b.bytesRead > appended+int64(len(workers))*2*fpLen {
			t.Errorf("a check read %d bytes for %d appended by %d workers", b.bytesRead, appended, len(workers))
		}
		perCheck = append(perCheck, b.bytesRead)
	}
	if b.summary != fullSummary(t, readerOnly{s}) {
		t.Errorf("incremental %+v, full %+v", b.summary, fullSummary(t, readerOnly{s}))
	}
	t.Logf("history %d bytes in %d logs; bytes read per budget check after one event per worker: %v", historySize(t, root), len(workers), perCheck)
}
