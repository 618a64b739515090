package population

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"maps"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"evo/storage"
)

// IndexRewriteTail is how many bytes of history past the index's offsets make the collector
// rewrite the index (UpdateIndex): readers parse at most about this much beyond the index.
const IndexRewriteTail = 2 << 20

// indexVersion is the format of history.index; another version is ignored (full read).
const indexVersion = 1

// fpLen is how many bytes before a remembered offset are kept to recognise the same file.
const fpLen = 64

// recentSlack widens the window of births the index header keeps for rates, so that a status
// a while after the index was written, or on a host whose clock is behind, is still exact.
const recentSlack = time.Hour

// historyLogs is what a store offers beyond Reader to read the history incrementally and to
// keep an index of it; *storage.Root provides it through FromStorage. Stores without it are
// read whole on every query.
type historyLogs interface {
	HistoryLogs() ([]storage.HistoryLog, error)
	ReadHistoryFrom(worker string, from int64, fn func(off int64, line []byte) error) (int64, error)
	ReadHistoryAt(worker string, off int64, n int) ([]byte, error)
	WriteHistoryIndex(data []byte) error
	OpenHistoryIndex() (*os.File, error)
	Logger() *slog.Logger
}

// logMark is how far one history log has been read: the offset just past the last complete
// line, and up to fpLen bytes before it (a rewritten or replaced file shows other bytes).
type logMark struct {
	off int64
	fp  []byte
}

// birth is what the books keep of an individual's birth event; the full metadata is read
// back from the log at off (or kept in meta when the store cannot read at an offset).
type birth struct {
	id, parent, status string
	born               time.Time
	fitness, flops     float64
	log                string
	off                int64
	n                  int
	meta               *Meta
}

// death is the first recorded kill of an id.
type death struct {
	time   time.Time
	killer string
}

// recentBirth is a birth as rates need it.
type recentBirth struct {
	Born  time.Time `json:"b"`
	FLOPs float64   `json:"f"`
}

// books is the history read so far: a summary, optionally every birth and death (full), and
// optionally the births recent enough for rates (recent). update reads only what was appended
// to each log since the last call.
type books struct {
	full, recent bool
	rd           Reader      // the store
	src          historyLogs // the store, when it can read at offsets
	summary      History
	marks        map[string]*logMark
	births       map[string]*birth
	died         map[string]death
	recentFrom   time.Time // recentBirths holds every birth born at or after it
	recentBirths []recentBirth
	// bytesRead counts the history bytes read by the last update; tail counts the bytes read
	// past the index since the books were opened.
	bytesRead, tail int64
	// indexRead counts the bytes loadIndex read: the index (header, and table when full) and
	// the fingerprints it checked in the logs.
	indexRead int64
	fromIndex bool
	// The index's table, rows sorted by id, kept as read until a query needs every row
	// (materialize): a lookup of one id is a binary search over rowStart.
	table     []byte
	rowStart  []int
	tableLogs []string
}

func newBooks(full, recent bool) *books {
	b := &books{full: full, recent: recent, marks: map[string]*logMark{}}
	if full {
		b.births, b.died = map[string]*birth{}, map[string]death{}
	}
	return b
}

// openBooks reads the history of s: the index and the logs past its offsets when there is a
// valid index, otherwise every log from its start. A missing, corrupt or stale index is not an
// error: it is logged at debug level and the whole history is read.
func openBooks(s Reader, full, recent bool) (*books, error) {
	b := newBooks(full, recent)
	b.rd = s
	src, ok := s.(historyLogs)
	if !ok {
		return b, b.readAll(s)
	}
	b.src = src
	if err := b.loadIndex(); err != nil {
		src.Logger().Debug("population: history index not used, reading the whole history", "reason", err)
		b.restart()
	}
	if err := b.update(); err != nil {
		return nil, err
	}
	return b, nil
}

// readAll reads a store without offsets through its ReadHistory.
func (b *books) readAll(s Reader) error {
	err := s.ReadHistory(func(worker string, line []byte) error {
		b.apply(worker, -1, line)
		return nil
	})
	if err != nil {
		return fmt.Errorf("population: read history: %w", err)
	}
	return nil
}

// update reads what was appended to every log since the last update. A log that shrank, was
// replaced or vanished makes the books start over from the index or the logs' starts.
func (b *books) update() error {
	if b.src == nil { // a store without offsets is read whole each time
		b.restart()
		return b.readAll(b.rd)
	}
	err := b.updateOnce()
	if errors.Is(err, errStale) {
		b.src.Logger().Debug("population: a history log changed under its offset; reading the history again", "reason", err)
		b.restart()
		if ierr := b.loadIndex(); ierr != nil {
			b.restart()
		}
		err = b.updateOnce()
	}
	return err
}

// restart empties the books (same full and recent, same store) to read the history again.
func (b *books) restart() {
	rd, src := b.rd, b.src
	*b = *newBooks(b.full, b.recent)
	b.rd, b.src = rd, src
}

// errStale means a log no longer matches what was read from it.
var errStale = errors.New("history log changed")

func (b *books) updateOnce() error {
	src := b.src
	logs, err := src.HistoryLogs()
	if err != nil {
		return fmt.Errorf("population: read history: %w", err)
	}
	b.bytesRead = 0
	seen := make(map[string]bool, len(logs))
	for _, l := range logs {
		seen[l.Worker] = true
		m := b.marks[l.Worker]
		if m == nil {
			m = &logMark{}
			b.marks[l.Worker] = m
		}
		if l.Size < m.off {
			return fmt.Errorf("%s is %d bytes, read up to %d: %w", l.Worker, l.Size, m.off, errStale)
		}
		if l.Size == m.off {
			continue
		}
		if len(m.fp) > 0 {
			got, err := src.ReadHistoryAt(l.Worker, m.off-int64(len(m.fp)), len(m.fp))
			b.bytesRead += int64(len(m.fp))
			if err != nil || !bytes.Equal(got, m.fp) {
				return fmt.Errorf("%s differs before byte %d: %w", l.Worker, m.off, errStale)
			}
		}
		var lastOff int64 = -1
		var last []byte
		next, err := src.ReadHistoryFrom(l.Worker, m.off, func(off int64, line []byte) error {
			b.apply(l.Worker, off, line)
			lastOff, last = off, line
			return nil
		})
		if errors.Is(err, storage.ErrHistoryShrunk) {
			return fmt.Errorf("%w: %w", errStale, err)
		}
		if err != nil {
			return fmt.Errorf("population: read history: %w", err)
		}
		b.bytesRead += l.Size - m.off
		if b.fromIndex {
			b.tail += l.Size - m.off
		}
		if next > m.off {
			k := int(min(int64(fpLen), next))
			var fp []byte
			if lastOff >= 0 && lastOff+int64(len(last))+1 == next && len(last)+1 >= k {
				// The last line read ends at next: its end is the fingerprint.
				fp = append(bytes.Clone(last[len(last)+1-k:]), '\n')
			} else if fp, err = src.ReadHistoryAt(l.Worker, next-int64(k), k); err != nil {
				return fmt.Errorf("population: read history: %w", err)
			} else {
				b.bytesRead += int64(k)
			}
			m.off, m.fp = next, fp
		}
	}
	for w, m := range b.marks {
		if !seen[w] && m.off > 0 {
			return fmt.Errorf("%s vanished: %w", w, errStale)
		}
	}
	return nil
}

// lineEvent is the part of an event the books keep.
type lineEvent struct {
	Event  string    `json:"event"`
	Time   time.Time `json:"time"`
	Worker string    `json:"worker"`
	ID     string    `json:"id"`
	FLOPs  float64   `json:"flops"`
	Meta   *struct {
		ID      string    `json:"id"`
		Parent  string    `json:"parent"`
		Born    time.Time `json:"born"`
		Fitness float64   `json:"fitness"`
		Status  string    `json:"status"`
		FLOPs   struct {
			Total float64 `json:"total"`
		} `json:"flops"`
	} `json:"meta"`
}

// apply counts one complete line of worker's log at byte off (-1: the store has no offsets,
// so a birth's full metadata is kept). A line that is not an event is counted as skipped.
func (b *books) apply(worker string, off int64, line []byte) {
	var e lineEvent
	if json.Unmarshal(line, &e) != nil || e.Event == "" || (e.Event == EventBirth && (e.Meta == nil || e.Meta.ID == "")) {
		b.summary.Skipped++
		return
	}
	if e.Worker == "" {
		e.Worker = worker
	}
	ev := Event{Event: e.Event, Time: e.Time, FLOPs: e.FLOPs}
	if e.Meta != nil {
		ev.Meta = &Meta{Parent: e.Meta.Parent, FLOPs: FLOPs{Total: e.Meta.FLOPs.Total}}
	}
	b.summary.add(ev)
	switch e.Event {
	case EventBirth:
		m := e.Meta
		born := m.Born.UTC()
		if b.recent && !born.Before(b.recentFrom) {
			b.recentBirths = append(b.recentBirths, recentBirth{Born: born, FLOPs: m.FLOPs.Total})
		}
		if !b.full {
			return
		}
		if _, dup := b.births[m.ID]; dup {
			return
		}
		if row := b.tableRow(m.ID); row != "" && row[0] == 'b' {
			return // the index's birth came first
		}
		bi := &birth{id: m.ID, parent: m.Parent, status: m.Status, born: born, fitness: m.Fitness,
			flops: m.FLOPs.Total, log: worker, off: off, n: len(line)}
		if off < 0 {
			var full Event
			if json.Unmarshal(line, &full) == nil && full.Meta != nil {
				bi.meta = full.Meta
			}
		}
		b.births[m.ID] = bi
	case EventKill:
		if b.full {
			b.addDeath(e.ID, death{time: e.Time.UTC(), killer: e.Worker})
		}
	}
}

// addDeath keeps the earliest kill of id (ties: the smaller killer name), so that the result
// does not depend on the order the logs are read in.
func (b *books) addDeath(id string, d death) {
	old, ok := b.died[id]
	if !ok || d.time.Before(old.time) || (d.time.Equal(old.time) && d.killer < old.killer) {
		b.died[id] = d
	}
}

// order returns the births sorted by birth time (ties: id).
func (b *books) order() []*birth {
	b.materialize()
	out := make([]*birth, 0, len(b.births))
	for _, bi := range b.births {
		out = append(out, bi)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].born.Equal(out[j].born) {
			return out[i].born.Before(out[j].born)
		}
		return out[i].id < out[j].id
	})
	return out
}

// meta returns a birth's full metadata, read back from its log when the books hold only its
// place. If that read fails, the fields the books keep are returned.
func (b *books) meta(bi *birth) *Meta {
	if bi.meta != nil {
		return bi.meta
	}
	if b.src != nil && bi.off >= 0 {
		if line, err := b.src.ReadHistoryAt(bi.log, bi.off, bi.n); err == nil {
			var e Event
			if json.Unmarshal(line, &e) == nil && e.Meta != nil && e.Meta.ID == bi.id {
				e.Meta.Born = e.Meta.Born.UTC()
				return e.Meta
			}
		}
		b.src.Logger().Debug("population: a birth event moved in its log; using the indexed fields", "id", bi.id, "log", bi.log)
	}
	return &Meta{ID: bi.id, Parent: bi.parent, Born: bi.born, Fitness: bi.fitness, Status: bi.status,
		FLOPs: FLOPs{Total: bi.flops}}
}

// individual returns what the history says about id, marked alive if it is in alive.
func (b *books) individual(id string, alive map[string]bool) (Individual, bool) {
	bi := b.birth(id)
	if bi == nil {
		return Individual{}, false
	}
	in := Individual{Meta: *b.meta(bi), Alive: alive[id]}
	if k, ok := b.death(id); ok && !in.Alive {
		in.Died, in.Killer = k.time, k.killer
	}
	return in, true
}

// birth returns id's birth, from the births read or the index's table.
func (b *books) birth(id string) *birth {
	if bi := b.births[id]; bi != nil {
		return bi
	}
	row := b.tableRow(id)
	if row == "" || row[0] != 'b' {
		return nil
	}
	bi, _, _, err := b.parseRow(row)
	if err != nil {
		return nil
	}
	b.births[id] = bi
	return bi
}

// death returns the first recorded kill of id.
func (b *books) death(id string) (death, bool) {
	d, ok := b.died[id]
	if row := b.tableRow(id); row != "" {
		if _, td, has, err := b.parseRow(row); err == nil && has &&
			(!ok || td.time.Before(d.time) || (td.time.Equal(d.time) && td.killer < d.killer)) {
			d, ok = death{time: td.time, killer: td.killer}, true
		}
	}
	return d, ok
}

// tableRow returns the index table's row of id ("" if none) while the table is kept as read.
func (b *books) tableRow(id string) string {
	if len(b.rowStart) == 0 {
		return ""
	}
	key := []byte(id)
	i := sort.Search(len(b.rowStart), func(i int) bool {
		return bytes.Compare(b.rowID(i), key) >= 0
	})
	if i == len(b.rowStart) || !bytes.Equal(b.rowID(i), key) {
		return ""
	}
	end := len(b.table)
	if i+1 < len(b.rowStart) {
		end = b.rowStart[i+1]
	}
	return string(b.table[b.rowStart[i] : end-1])
}

// rowID is the id field of table row i.
func (b *books) rowID(i int) []byte {
	r := b.table[b.rowStart[i]+2:] // past the kind and its tab
	if j := bytes.IndexByte(r, '\t'); j >= 0 {
		r = r[:j]
	}
	return r
}

// materialize parses every row of the table into births and deaths (the table's births came
// before any birth of the same id in the logs past it) and drops the table.
func (b *books) materialize() {
	if b.table == nil {
		return
	}
	t := string(b.table)
	b.table, b.rowStart = nil, nil
	for len(t) > 0 {
		i := strings.IndexByte(t, '\n')
		row := t[:i]
		t = t[i+1:]
		bi, d, has, err := b.parseRow(row)
		if err != nil {
			continue // checked when the table was loaded
		}
		if has {
			b.addDeath(d.id, death{time: d.time, killer: d.killer})
		}
		if bi != nil {
			b.births[bi.id] = bi
		}
	}
}

// indexHeader is the first line of history.index (JSON); the table of individuals follows.
type indexHeader struct {
	Version int       `json:"version"`
	Written time.Time `json:"written"`
	Summary History   `json:"summary"`
	Logs    []struct {
		Worker string `json:"worker"`
		Offset int64  `json:"offset"`
		FP     []byte `json:"fp"`
	} `json:"logs"`
	RecentFrom time.Time     `json:"recent_from"`
	Recent     []recentBirth `json:"recent"`
	Rows       int           `json:"rows"`
	TableBytes int64         `json:"table_bytes"`
	TableCRC   uint32        `json:"table_crc32c"`
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// maxIndexHeader bounds the header line of history.index.
const maxIndexHeader = 64 << 20

// loadIndex fills the books from history.index: the summary and offsets always, the table of
// individuals when full, the recent births when recent. Every log the index covers must still
// have the bytes it saw before its offset.
func (b *books) loadIndex() error {
	f, err := b.src.OpenHistoryIndex()
	if err != nil {
		return err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	line, err := br.ReadSlice('\n')
	for errors.Is(err, bufio.ErrBufferFull) && len(line) < maxIndexHeader {
		var more []byte
		more, err = br.ReadSlice('\n')
		line = append(bytes.Clone(line), more...)
	}
	if err != nil {
		return fmt.Errorf("history.index: header: %w", err)
	}
	b.indexRead = int64(len(line))
	var h indexHeader
	if err := json.Unmarshal(line, &h); err != nil {
		return fmt.Errorf("history.index: header: %w", err)
	}
	if h.Version != indexVersion {
		return fmt.Errorf("history.index: version %d, this evo reads %d", h.Version, indexVersion)
	}
	if st, err := f.Stat(); err != nil || st.Size() != int64(len(line))+h.TableBytes {
		return fmt.Errorf("history.index: the file is not as long as its header says (truncated?)")
	}
	logs, err := b.src.HistoryLogs()
	if err != nil {
		return err
	}
	sizes := make(map[string]int64, len(logs))
	for _, l := range logs {
		sizes[l.Worker] = l.Size
	}
	names := make([]string, len(h.Logs))
	for i, l := range h.Logs {
		names[i] = l.Worker
		size, ok := sizes[l.Worker]
		if !ok || size < l.Offset || len(l.FP) > fpLen || int64(len(l.FP)) > l.Offset {
			return fmt.Errorf("history.index: log %s is gone or shorter than indexed", l.Worker)
		}
		if len(l.FP) > 0 {
			got, err := b.src.ReadHistoryAt(l.Worker, l.Offset-int64(len(l.FP)), len(l.FP))
			b.indexRead += int64(len(l.FP))
			if err != nil || !bytes.Equal(got, l.FP) {
				return fmt.Errorf("history.index: log %s changed before byte %d", l.Worker, l.Offset)
			}
		}
		b.marks[l.Worker] = &logMark{off: l.Offset, fp: l.FP}
	}
	b.summary = h.Summary
	if b.recent {
		b.recentFrom, b.recentBirths = h.RecentFrom, h.Recent
	}
	if b.full {
		table := make([]byte, h.TableBytes)
		if _, err := io.ReadFull(br, table); err != nil {
			return fmt.Errorf("history.index: table: %w", err)
		}
		b.indexRead += h.TableBytes
		if crc32.Checksum(table, castagnoli) != h.TableCRC {
			return fmt.Errorf("history.index: table checksum mismatch")
		}
		if err := b.keepTable(table, h.Rows, names); err != nil {
			b.table, b.rowStart = nil, nil
			return fmt.Errorf("history.index: %w", err)
		}
	}
	b.fromIndex = true
	return nil
}

// Table rows, one per line, tab-separated, sorted by id: kind ("b" birth, "k" a kill whose
// birth the history lacks), id, parent, born (Unix ns), fitness, FLOPs, status, died (Unix ns,
// 0 if unknown), killer, log number (into the header's logs), offset and length of the event.
const tableFields = 12

// keepTable checks the table's row count and order and keeps it for lookups.
func (b *books) keepTable(t []byte, rows int, logs []string) error {
	b.table, b.tableLogs = t, logs
	b.rowStart = make([]int, 0, rows)
	for off := 0; off < len(t); {
		i := bytes.IndexByte(t[off:], '\n')
		if i < 0 {
			return fmt.Errorf("table: row %d is not terminated", len(b.rowStart)+1)
		}
		b.rowStart = append(b.rowStart, off)
		off += i + 1
	}
	if len(b.rowStart) != rows {
		return fmt.Errorf("table: %d rows, header says %d", len(b.rowStart), rows)
	}
	for i := 1; i < len(b.rowStart); i++ {
		if bytes.Compare(b.rowID(i-1), b.rowID(i)) >= 0 {
			return fmt.Errorf("table: row %d is out of order", i+1)
		}
	}
	return nil
}

// tableDeath is a death as a table row gives it.
type tableDeath struct {
	id     string
	time   time.Time
	killer string
}

// parseRow parses one table row: its birth (nil for a kill-only row) and its death (has is
// false when none was recorded).
func (b *books) parseRow(row string) (bi *birth, d tableDeath, has bool, err error) {
	var f [tableFields]string
	for k := range f {
		j := strings.IndexByte(row, '\t')
		if k == len(f)-1 {
			if j >= 0 {
				return nil, d, false, fmt.Errorf("table: a row has too many fields")
			}
			f[k] = row
			break
		}
		if j < 0 {
			return nil, d, false, fmt.Errorf("table: a row has %d fields, want %d", k+1, len(f))
		}
		f[k], row = row[:j], row[j+1:]
	}
	died, err := strconv.ParseInt(f[7], 10, 64)
	if err != nil {
		return nil, d, false, fmt.Errorf("table: row of %s: died: %w", f[1], err)
	}
	if died != 0 {
		d, has = tableDeath{id: f[1], time: time.Unix(0, died).UTC(), killer: f[8]}, true
	}
	if f[0] == "k" {
		return nil, d, has, nil
	}
	born, err1 := strconv.ParseInt(f[3], 10, 64)
	fit, err2 := strconv.ParseFloat(f[4], 64)
	fl, err3 := strconv.ParseFloat(f[5], 64)
	li, err4 := strconv.Atoi(f[9])
	off, err5 := strconv.ParseInt(f[10], 10, 64)
	ln, err6 := strconv.Atoi(f[11])
	if err := errors.Join(err1, err2, err3, err4, err5, err6); err != nil || f[0] != "b" || li < 0 || li >= len(b.tableLogs) {
		return nil, d, false, fmt.Errorf("table: row of %s is malformed: %v", f[1], err)
	}
	return &birth{id: f[1], parent: f[2], born: time.Unix(0, born).UTC(), fitness: fit, flops: fl,
		status: f[6], log: b.tableLogs[li], off: off, n: ln}, d, has, nil
}

// encodeIndex writes full books as history.index at now.
func (b *books) encodeIndex(now time.Time) ([]byte, error) {
	if !b.full || b.src == nil {
		return nil, fmt.Errorf("population: history index: books are not complete")
	}
	h := indexHeader{Version: indexVersion, Written: now.UTC(), Summary: b.summary}
	workers := slices.Sorted(func(yield func(string) bool) {
		for w := range b.marks {
			if !yield(w) {
				return
			}
		}
	})
	num := make(map[string]int, len(workers))
	for i, w := range workers {
		m := b.marks[w]
		num[w] = i
		h.Logs = append(h.Logs, struct {
			Worker string `json:"worker"`
			Offset int64  `json:"offset"`
			FP     []byte `json:"fp"`
		}{w, m.off, m.fp})
	}
	h.RecentFrom = now.UTC().Add(-RateWindow - recentSlack)
	for _, bi := range b.order() {
		if !bi.born.Before(h.RecentFrom) {
			h.Recent = append(h.Recent, recentBirth{Born: bi.born, FLOPs: bi.flops})
		}
	}
	rows := map[string]string{}
	for _, bi := range b.births {
		if bi.off < 0 {
			return nil, fmt.Errorf("population: history index: birth %s has no place in its log", bi.id)
		}
		var died int64
		killer := ""
		if d, ok := b.died[bi.id]; ok {
			died, killer = d.time.UnixNano(), d.killer
		}
		if strings.ContainsAny(bi.id+bi.parent+bi.status+killer, "\t\n") {
			return nil, fmt.Errorf("population: history index: birth %q has a tab or newline in a field", bi.id)
		}
		rows[bi.id] = fmt.Sprintf("b\t%s\t%s\t%d\t%s\t%s\t%s\t%d\t%s\t%d\t%d\t%d\n", bi.id, bi.parent, bi.born.UnixNano(),
			strconv.FormatFloat(bi.fitness, 'g', -1, 64), strconv.FormatFloat(bi.flops, 'g', -1, 64),
			bi.status, died, killer, num[bi.log], bi.off, bi.n)
	}
	for id, d := range b.died {
		if b.births[id] != nil || d.time.UnixNano() == 0 || strings.ContainsAny(id+d.killer, "\t\n") {
			continue
		}
		rows[id] = fmt.Sprintf("k\t%s\t\t0\t0\t0\t\t%d\t%s\t0\t0\t0\n", id, d.time.UnixNano(), d.killer)
	}
	var t bytes.Buffer
	for _, id := range slices.Sorted(maps.Keys(rows)) {
		t.WriteString(rows[id])
		h.Rows++
	}
	h.TableBytes, h.TableCRC = int64(t.Len()), crc32.Checksum(t.Bytes(), castagnoli)
	head, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("population: history index: %w", err)
	}
	return append(append(head, '\n'), t.Bytes()...), nil
}

// IndexResult says what UpdateIndex did.
type IndexResult struct {
	// Written is true when history.index was (re)written.
	Written bool
	// Individuals is the number of individuals born (when not written: births counted, which
	// includes any duplicate birth events); Tail the history bytes that were past the old
	// index's offsets.
	Individuals int
	Tail        int64
}

// UpdateIndex rewrites the history index (history.index in the experiment directory) when
// there is none, it is unusable, or more than IndexRewriteTail bytes of history were appended
// past it, or always with force. The collector calls it after each pass; any number of
// collectors may run at once (each writes a complete index with one rename).
func UpdateIndex(s Reader, force bool, now time.Time) (IndexResult, error) {
	src, ok := s.(historyLogs)
	if !ok {
		return IndexResult{}, fmt.Errorf("population: history index: this store cannot keep one")
	}
	if !force {
		// The header and the tail tell whether a rewrite is due, without the table.
		b, err := openBooks(s, false, false)
		if err != nil {
			return IndexResult{}, err
		}
		if b.fromIndex && b.tail <= IndexRewriteTail {
			return IndexResult{Individuals: b.summary.Trained, Tail: b.tail}, nil
		}
	}
	b, err := openBooks(s, true, false)
	if err != nil {
		return IndexResult{}, err
	}
	b.materialize()
	res := IndexResult{Individuals: len(b.births), Tail: b.tail}
	data, err := b.encodeIndex(now)
	if err != nil {
		return res, err
	}
	if err := src.WriteHistoryIndex(data); err != nil {
		return res, fmt.Errorf("population: %w", err)
	}
	res.Written = true
	return res, nil
}

func (s storageStore) HistoryLogs() ([]storage.HistoryLog, error) { return s.r.HistoryLogs() }

func (s storageStore) ReadHistoryFrom(worker string, from int64, fn func(off int64, line []byte) error) (int64, error) {
	return s.r.ReadHistoryFrom(worker, from, fn)
}

func (s storageStore) ReadHistoryAt(worker string, off int64, n int) ([]byte, error) {
	return s.r.ReadHistoryAt(worker, off, n)
}

func (s storageStore) WriteHistoryIndex(data []byte) error { return s.r.WriteHistoryIndex(data) }

func (s storageStore) OpenHistoryIndex() (*os.File, error) { return s.r.OpenHistoryIndex() }

func (s storageStore) Logger() *slog.Logger { return s.r.Logger() }

var _ historyLogs = storageStore{}
