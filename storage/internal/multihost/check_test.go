//go:build linux

package multihost

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"evo/storage"
)

// event is the part of a history line the bed reads (births, kills, races, failures, and the
// collectors' removals).
type event struct {
	Event  string    `json:"event"`
	Time   time.Time `json:"time"`
	ID     string    `json:"id"`
	Kind   string    `json:"kind"`
	Path   string    `json:"path"`
	Reason string    `json:"reason"`
	Stage  string    `json:"stage"`
	Error  string    `json:"error"`
	Meta   *struct {
		ID string `json:"id"`
	} `json:"meta"`
}

var (
	idPart    = `\d{8}T\d{6}\.\d{9}Z-[0-9a-f]{12}`
	graveRE   = regexp.MustCompile(`^(` + idPart + `)\.\d+\.`)
	stageRE   = regexp.MustCompile(`^staging/(.+)\.(` + idPart + `)$`)
	tempRE    = regexp.MustCompile(`^staging/(.+)\.tmp-[0-9a-f]{16}$`)
	lockRE    = regexp.MustCompile(`^locks/(.+)\.lock$`)
	lostRegRE = regexp.MustCompile(`(?i)lost (its )?registration|registration (was )?lost|lock file[^"]*(removed|gone|missing)`)
)

// check reads the backing directory after the run and returns every violation.
func (b *bed) check() []string {
	var v []string
	r, err := storage.Open(b.exp, storage.Options{})
	if err != nil {
		return []string{fmt.Sprintf("open the experiment after the run: %v", err)}
	}
	defer r.Close()

	born := map[string]int{}
	killed := map[string]int{}
	gcGraves := map[string]int{}
	var removals []removal
	var changes []popChange
	var graveNames []string // every grave seen (collected or left), for kills whose event was lost
	err = r.ReadHistory(func(worker string, line []byte) error {
		var e event
		if json.Unmarshal(line, &e) != nil {
			b.figures["unreadable history lines"]++
			return nil
		}
		switch e.Event {
		case "birth":
			if e.Meta != nil {
				born[e.Meta.ID]++
				changes = append(changes, popChange{at: e.Time, id: e.Meta.ID, birth: true})
			}
			b.figures["births"]++
		case "kill":
			killed[e.ID]++
			changes = append(changes, popChange{at: e.Time, id: e.ID})
			b.figures["kills"]++
		case "race":
			b.figures["races"]++
			b.figures["races at "+e.Stage]++
		case "failure":
			b.figures["failures"]++
			b.figures["failures at "+e.Stage]++
		case "gc":
			b.figures["gc removals: "+e.Kind]++
			if e.Time.After(time.Now().Add(clockOffset / 2)) {
				b.figures["gc records written with the +5m clock"]++
			}
			if e.Kind == "grave" {
				gcGraves[e.ID]++
				graveNames = append(graveNames, filepath.Base(e.Path))
			} else {
				removals = append(removals, removal{collector: worker, event: e})
			}
		}
		return nil
	})
	if err != nil {
		v = append(v, fmt.Sprintf("read the histories: %v", err))
	}

	v = append(v, b.checkTornHistory()...)

	alive := map[string]bool{}
	ids, err := r.List()
	if err != nil {
		v = append(v, fmt.Sprintf("list the population: %v", err))
	}
	for _, id := range ids {
		alive[id] = true
	}
	b.figures["alive at the end"] = len(ids)
	graves := map[string]int{}
	entries, _ := os.ReadDir(b.exp + "/graveyard")
	nGraves := 0
	for _, e := range entries {
		if m := graveRE.FindStringSubmatch(e.Name()); m != nil {
			graves[m[1]]++
			graveNames = append(graveNames, e.Name())
			nGraves++
			continue
		}
		// A collector's claim directory (gc-<collector>/): graves claimed for collection whose
		// collector has not removed them yet (it was stopped, or died, at the end of the run).
		if strings.HasPrefix(e.Name(), "gc-") && e.IsDir() {
			inside, _ := os.ReadDir(b.exp + "/graveyard/" + e.Name())
			for _, g := range inside {
				if m := graveRE.FindStringSubmatch(g.Name()); m != nil {
					graves[m[1]]++
					graveNames = append(graveNames, g.Name())
					nGraves++
					b.figures["graves claimed but not yet removed at the end"]++
				}
			}
		}
	}
	b.figures["graves at the end"] = nGraves
	v = append(v, b.replayPopulation(b.unloggedKills(changes, graveNames))...)

	// Rule 1: every id born is alive, graved or GC-recorded, exactly once.
	for _, id := range sortedKeys(born) {
		places := 0
		if alive[id] {
			places++
		}
		places += graves[id]
		collected := gcGraves[id] > 0 && graves[id] == 0
		if collected {
			places++
		}
		switch {
		case places == 0:
			v = append(v, fmt.Sprintf("rule 'every id born is alive, graved or collected': %s was born but is nowhere (not in population/, graveyard/ or a GC log)", id))
		case places > 1:
			v = append(v, fmt.Sprintf("rule 'exactly once': %s is in %d places (alive %v, graves %d, collected %v)", id, places, alive[id], graves[id], collected))
		}
		if gcGraves[id] > 1 {
			v = append(v, fmt.Sprintf("rule 'GC-recorded exactly once': the grave of %s has %d GC records (collectors raced on it)", id, gcGraves[id]))
		}
		if born[id] > 1 {
			v = append(v, fmt.Sprintf("rule 'born once': %s has %d births in the histories", id, born[id]))
		}
	}
	for _, id := range sortedKeys(killed) {
		if killed[id] > 1 {
			v = append(v, fmt.Sprintf("rule 'one killer wins': %s was killed %d times in the histories", id, killed[id]))
		}
		if alive[id] {
			v = append(v, fmt.Sprintf("rule 'a kill is final': %s was killed but is alive", id))
		}
	}
	for id := range alive {
		if born[id] == 0 {
			b.figures["anomaly: alive without a birth event"]++
		}
	}
	for id := range graves {
		if born[id] == 0 {
			b.figures["anomaly: graved without a birth event"]++
		}
	}

	// Rule 2: nothing torn.
	v = append(v, b.checkTorn(r, ids)...)

	// Rule 3: no live worker's lock or stage removed.
	v = append(v, b.checkLiveness(removals)...)
	return v
}

// checkTornHistory finds history lines that are not JSON. A crash can leave one torn last line
// (the next open pads it); a torn line in the middle followed by a glued event means an append
// failed half-way (a full disk) and the next append continued the fragment: that event is lost
// to every reader.
func (b *bed) checkTornHistory() []string {
	var v []string
	files, _ := filepath.Glob(filepath.Join(b.exp, "history", "*.jsonl"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
		for i, line := range lines {
			if json.Valid(line) {
				continue
			}
			b.figures["torn history lines"]++
			// A fragment of an append that failed (the writer was told) starts with its own
			// {"event"; an event is lost only if another one starts later in the same line,
			// glued to the fragment.
			if i < len(lines)-1 && len(line) > 1 && bytes.Contains(line[1:], []byte("{\"event\"")) {
				ex := string(line)
				if len(ex) > 160 {
					ex = ex[:80] + " … " + ex[len(ex)-80:]
				}
				v = append(v, fmt.Sprintf("rule 'no event lost': %s line %d is a torn fragment with the next event glued to it (that event is unreadable): %s",
					strings.TrimPrefix(f, b.exp+"/"), i+1, ex))
			}
		}
	}
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkTorn runs evo check and reads every file of every alive individual.
func (b *bed) checkTorn(r *storage.Root, ids []string) []string {
	var v []string
	out, err := exec.Command(b.bin, "check", "--json", "--dir", b.exp).Output()
	var res struct {
		Problems []storage.Problem `json:"problems"`
	}
	if jerr := json.Unmarshal(out, &res); jerr != nil {
		v = append(v, fmt.Sprintf("evo check --json: %v (%v): %s", jerr, err, out))
	}
	for _, p := range res.Problems {
		switch p.Kind {
		case storage.ProblemLeak, storage.ProblemForeign:
			b.figures["anomaly: evo check "+string(p.Kind)]++
			b.t.Logf("evo check (anomaly, not a violation): %s", p)
		default:
			v = append(v, fmt.Sprintf("rule 'nothing torn' (evo check): %s", p))
		}
	}
	problems, err := r.Check(context.Background())
	if err != nil {
		v = append(v, fmt.Sprintf("storage check: %v", err))
	}
	b.figures["evo check problems"] = len(problems)
	for _, id := range ids {
		rec, err := r.Record(id)
		if err != nil {
			v = append(v, fmt.Sprintf("rule 'nothing torn': alive %s has no valid record: %v", id, err))
			continue
		}
		for name := range rec.Files {
			if _, err := r.ReadFile(id, name, 1<<30); err != nil {
				v = append(v, fmt.Sprintf("rule 'nothing torn': population/%s/%s does not verify: %v", id, name, err))
			}
		}
	}
	return v
}

// removal is a collector's removal of a lock or staging entry, from its GC log.
type removal struct {
	collector string
	event     event
}

// checkLiveness finds locks and stages taken from live workers: by the collectors' GC logs, by
// the monitor's watch on the lock files, and by the workers' own logs.
func (b *bed) checkLiveness(removals []removal) []string {
	var v []string
	byName := map[string]*slot{}
	for _, s := range b.slots {
		if s.name != "" {
			byName[s.name] = s
		}
	}
	now := time.Now()
	skewed := 0
	for _, rm := range removals {
		e := rm.event
		t := e.Time
		if t.After(now.Add(clockOffset / 2)) { // written by the host whose clock runs ahead
			t = t.Add(-clockOffset)
			skewed++
		}
		var worker string
		for _, re := range []*regexp.Regexp{stageRE, tempRE, lockRE} {
			if m := re.FindStringSubmatch(e.Path); m != nil {
				worker = m[1]
				break
			}
		}
		s := byName[worker]
		if s == nil {
			b.figures["gc removals of non-bed workers' files"]++
			continue
		}
		if !s.mayLose(t) {
			v = append(v, fmt.Sprintf("rule 'no live worker's lock or stage removed': collector %s removed %s of %s (%s, host %s, hostname %s) while it was %s; reason given: %q",
				strings.TrimPrefix(rm.collector, "gc-"), e.Path, s.key, worker, hostSpecs[s.host].key, hostSpecs[s.host].hostname, s.stateAt(t), e.Reason))
		}
	}
	if skewed > 0 {
		b.figures["gc removals of locks and stages written with the +5m clock"] = skewed
	}
	if b.figures["gc records written with the +5m clock"] == 0 {
		b.t.Logf("no GC record carries a clock %v ahead: this build ignores EVO_CLOCK_OFFSET (host h0's collector ran on the true clock)", clockOffset)
	}
	for _, s := range b.slots {
		if s.gc || s.lockGone.IsZero() {
			continue
		}
		if !s.mayLose(s.lockGone) {
			v = append(v, fmt.Sprintf("rule 'no live worker's lock removed' (bed's watch): locks/%s.lock of %s vanished %.1fs into the run while the worker was %s",
				s.name, s.key, s.lockGone.Sub(b.start).Seconds(), s.lockState))
		}
	}
	for _, s := range b.slots {
		if s.gc {
			// The collector's plan prints ages; an age of ~292 years is a zero mtime: the stage's
			// mtime could not be read (vanished, ESTALE) and was taken as infinitely old.
			out, _ := os.ReadFile(strings.TrimSuffix(s.logPath, ".log") + ".out")
			b.figures["anomaly: gc plans of a stage with an unreadable age"] += strings.Count(string(out), "untouched for 2562047h")
		}
		data, err := os.ReadFile(s.logPath)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			if lostRegRE.MatchString(line) {
				v = append(v, fmt.Sprintf("rule 'no live worker loses its registration' (%s's log): %s", s.key, line))
			}
			if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
				b.figures["log warnings and errors"]++
			}
			if strings.Contains(line, "stale file handle") {
				b.figures["log lines with ESTALE"]++
			}
			if strings.Contains(line, "no space left on device") {
				b.figures["log lines with ENOSPC"]++
			}
		}
	}
	return v
}

// report prints the figures and the violations.
func (b *bed) report(violations []string) {
	var lines []string
	for _, k := range sortedKeys(b.figures) {
		lines = append(lines, fmt.Sprintf("  %-45s %d", k, b.figures[k]))
	}
	b.t.Logf("multi-host bed: %d hosts × %d workers + a collector each, %v run, disk filled with %d MiB\n%s",
		len(hostSpecs), workersPerHost, runFor, b.filled>>20, strings.Join(lines, "\n"))
	b.t.Logf("multi-host bed: %d violations", len(violations))
	if keep := os.Getenv("EVO_MULTIHOST_LOGS"); keep != "" {
		if out, err := exec.Command("cp", "-r", b.base+"/logs", keep).CombinedOutput(); err != nil {
			b.t.Logf("copy the logs to %s: %v %s", keep, err, out)
		} else {
			b.t.Logf("process logs copied to %s", keep)
		}
	}
	if keep := os.Getenv("EVO_MULTIHOST_EXP"); keep != "" {
		// The experiment directory as the run left it (histories, population, graveyard), for a
		// replay of the run; the backing tmpfs is unmounted when the test ends.
		if out, err := exec.Command("cp", "-r", b.exp, keep).CombinedOutput(); err != nil {
			b.t.Logf("copy the experiment to %s: %v %s", keep, err, out)
		} else {
			b.t.Logf("experiment directory copied to %s", keep)
		}
	}
}

// popChange is a birth or a kill of the histories, for the replay of the population size.
type popChange struct {
	at    time.Time
	id    string
	birth bool
}

// graveNameRE splits a grave's name: id, time of death (Unix nanoseconds, on the killer's
// storage clock) and killer.
var graveNameRE = regexp.MustCompile(`^(` + idPart + `)\.(\d+)\.(.+)$`)

// unloggedKills adds a kill for every individual that died without a kill event (an append cut
// short by the full disk, or a worker killed between its kill and the event), timed by its
// grave's name less the clock offset of the killer's host.
func (b *bed) unloggedKills(changes []popChange, graveNames []string) []popChange {
	logged := map[string]bool{}
	for _, c := range changes {
		if !c.birth {
			logged[c.id] = true
		}
	}
	offsets := map[string]time.Duration{}
	for _, s := range b.slots {
		if s.name != "" {
			offsets[s.name], _ = time.ParseDuration(strings.TrimPrefix(hostSpecs[s.host].clockOffset, "+"))
		}
	}
	for _, name := range graveNames {
		m := graveNameRE.FindStringSubmatch(name)
		if m == nil || logged[m[1]] {
			continue
		}
		var ns int64
		if _, err := fmt.Sscan(m[2], &ns); err != nil {
			continue
		}
		logged[m[1]] = true
		b.figures["replay: kills without an event, timed by their grave"]++
		changes = append(changes, popChange{at: time.Unix(0, ns).Add(-offsets[m[3]]), id: m[1]})
	}
	return changes
}

// replayPopulation replays the births and kills of every worker's history in time order and
// records the size of the population over the run: its maximum, its minimum once it was full
// (P individuals alive at some moment), and how long it spent above P and below P - W. Worker
// events carry the true clock (the clock offset of host h0 applies to storage's records only,
// the collectors' GC lines). A birth is logged just after its rename, so another worker's kill
// of the child may be logged first: a birth of an id already killed is not counted.
//
// The bound it asserts, alive ≤ P + 2W at every moment (W workers in all): a worker changes the
// population's size (a child without a kill, a cull) only on a listing that already shows its
// own previous such change, and a listing lags by at most one cache period. So the changes a
// deciding worker cannot see are, per other worker, the last one that worker made and at most
// one more made right after its own view caught up: 2 per worker, against P when decided. The
// population's size at the end must be within [1, P + 2W] too. Before workers waited for their
// own changes to show, a 3 s listing cache let each worker publish or cull at every step on one
// stale count: 345 to 651 alive at the peak, 1 to 35 at the end.
func (b *bed) replayPopulation(changes []popChange) []string {
	p := populationSize
	w := len(hostSpecs) * workersPerHost
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].at.Before(changes[j].at) })
	alive, dead := map[string]bool{}, map[string]bool{}
	maxAlive, minFull, full := 0, -1, false
	var over, under time.Duration
	for i, c := range changes {
		if c.birth {
			if !dead[c.id] {
				alive[c.id] = true
			}
		} else {
			delete(alive, c.id)
			dead[c.id] = true
		}
		n := len(alive)
		maxAlive = max(maxAlive, n)
		if n >= p {
			full = true
		}
		if full && (minFull < 0 || n < minFull) {
			minFull = n
		}
		if i+1 < len(changes) {
			d := changes[i+1].at.Sub(c.at)
			if n > p {
				over += d
			}
			if full && n < p-w {
				under += d
			}
		}
	}
	b.figures["replay: alive max over the run"] = maxAlive
	b.figures["replay: alive min once full"] = max(minFull, 0)
	b.figures["replay: alive at the end"] = len(alive)
	b.figures["replay: ms above P"] = int(over.Milliseconds())
	b.figures["replay: ms below P-W once full"] = int(under.Milliseconds())
	var v []string
	if bound := p + 2*w; maxAlive > bound {
		v = append(v, fmt.Sprintf("rule 'population bound': %d individuals alive at one moment of the replayed history, more than P + 2W = %d", maxAlive, bound))
	}
	if end := b.figures["alive at the end"]; end < 1 || end > p+2*w {
		v = append(v, fmt.Sprintf("rule 'population bound': %d individuals alive at the end, want 1 to P + 2W = %d", end, p+2*w))
	}
	return v
}
