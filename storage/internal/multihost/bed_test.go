//go:build linux

package multihost

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"evo/storage/internal/nfsfuse"
)

// The bed's settings. The collectors' limits are far below evo's defaults so that staleness is
// reached within the run; the SIGSTOP outlasts all of them. A worker's heartbeat, as a collector
// sees it, may stay unchanged for up to one beat interval before a beat fails and one after
// beats succeed again, plus the cache timeout: the full-disk window plus 2*beatInterval +
// cacheTimeout (35 s) stays under staleLimit, so that a full disk alone never makes a live
// worker look dead. The events run in the order of their times below.
const (
	workersPerHost = 2
	populationSize = 8                // P, the set-point given to evo init
	runFor         = 80 * time.Second // from the start of the hosts to the graceful stop
	cacheTimeout   = 3 * time.Second  // attribute, name and listing caches of every mount
	renameENOENT   = 0.02             // share of successful renames reported as ENOENT
	gcEvery        = time.Second
	gcGrace        = 10 * time.Second
	staleLimit     = 40 * time.Second // the collectors' --stale-staging
	// beatInterval is the workers' heartbeat interval (population.DefaultHeartbeatInterval). A
	// collector may have seen a worker's heartbeat change last up to one interval plus the
	// mount's cache timeout before the worker was stopped, so staleness can judge a stopped
	// worker dead once it has been stopped for staleLimit - beatInterval - cacheTimeout.
	beatInterval = 10 * time.Second
	killAt       = 10 * time.Second
	stopAt       = 15 * time.Second
	stopFor      = staleLimit + 10*time.Second // wakes at 65 s, mid-run
	fillAt       = 25 * time.Second
	fillFor      = 12 * time.Second // freed at 37 s, before the SIGCONT
	tmpfsSize    = "64m"
	clockOffset  = 5 * time.Minute
)

// hostSpec is one simulated host. h1 and h2 share a hostname on purpose (containers, pods).
type hostSpec struct {
	key, hostname, clockOffset string
}

var hostSpecs = []hostSpec{
	{"h0", "bed-a", "+5m"},
	{"h1", "bed-b", ""},
	{"h2", "bed-b", ""},
}

// hostnames applies EVO_MULTIHOST_HOSTNAMES (comma-separated, one per host), e.g. "a,b,c" to
// run with unique hostnames.
func hostnames(t *testing.T) {
	v := os.Getenv("EVO_MULTIHOST_HOSTNAMES")
	if v == "" {
		return
	}
	names := strings.Split(v, ",")
	if len(names) != len(hostSpecs) {
		t.Fatalf("EVO_MULTIHOST_HOSTNAMES=%q names %d hosts; give %d, comma-separated", v, len(names), len(hostSpecs))
	}
	for i := range hostSpecs {
		hostSpecs[i].hostname = names[i]
	}
}

// slot is one process of the bed: a worker or a collector on one host.
type slot struct {
	key     string // h1-w0, h1-gc
	host    int
	gc      bool
	logPath string
	pid     int    // in the bed's pid namespace
	name    string // the worker's name, from its log

	registered time.Time // its lock is taken
	ended      time.Time // SIGKILLed, or SIGTERM sent at the end
	stopped    time.Time // SIGSTOP sent
	resumed    time.Time // SIGCONT sent
	lockGone   time.Time // first time the monitor found its lock file missing while it ran
	lockState  string    // what the worker was doing then
}

type bed struct {
	t       *testing.T
	base    string
	backing string
	exp     string
	bin     string
	token   string
	mounts  []*nfsfuse.Mount
	cmds    []*exec.Cmd
	mu      sync.Mutex
	slots   []*slot
	start   time.Time
	figures map[string]int
	filled  int64
}

func TestMultiHost(t *testing.T) {
	if os.Getenv("EVO_MULTIHOST") != "1" {
		t.Skip("multi-host bed skipped: set EVO_MULTIHOST=1 (needs root, /dev/fuse and util-linux unshare; about 2 minutes)")
	}
	if err := nfsfuse.Available(); err != nil {
		t.Skipf("multi-host bed skipped: %v", err)
	}
	if out, err := exec.Command("unshare", "--uts", "--pid", "--fork", "--mount-proc", "true").CombinedOutput(); err != nil {
		t.Skipf("multi-host bed skipped: `unshare --uts --pid --fork --mount-proc` does not work here (install util-linux, run as root): %v %s", err, out)
	}
	hostnames(t)
	b := &bed{t: t, base: t.TempDir(), token: fmt.Sprintf("bed%d", os.Getpid()), figures: map[string]int{}}
	b.bin = b.build()
	b.mountBacking()
	b.initExperiment()
	b.mountHosts()
	b.startHosts()
	b.findProcesses()
	stopMonitor := b.monitor()
	b.chaos()
	b.stopAll()
	stopMonitor()
	for _, m := range b.mounts {
		st := m.Stats()
		b.figures["rename ENOENT injected"] += int(st.RenameENOENT)
		b.figures["ESTALE answered"] += int(st.Stale)
		b.figures["listings from cache"] += int(st.DirCacheHits)
	}
	b.unmountHosts()
	violations := b.check()
	b.report(violations)
	for _, msg := range summarize(violations) {
		t.Error(msg)
	}
}

// summarize groups violations by rule: the count and up to five examples each.
func summarize(violations []string) []string {
	byRule := map[string][]string{}
	var rules []string
	for _, v := range violations {
		rule := v
		if i := strings.Index(v, ":"); i > 0 {
			rule = v[:i]
		}
		if byRule[rule] == nil {
			rules = append(rules, rule)
		}
		byRule[rule] = append(byRule[rule], v)
	}
	var out []string
	for _, rule := range rules {
		vs := byRule[rule]
		msg := fmt.Sprintf("%d violation(s) of %s, e.g.:", len(vs), rule)
		for _, v := range vs[:min(5, len(vs))] {
			msg += "\n    " + v
		}
		out = append(out, msg)
	}
	return out
}

func (b *bed) build() string {
	if bin := os.Getenv("EVO_MULTIHOST_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(b.base, "evo")
	out, err := exec.Command("go", "build", "-o", bin, "evo/cmd/evo").CombinedOutput()
	if err != nil {
		b.t.Fatalf("build the evo binary: %v\n%s", err, out)
	}
	return bin
}

// mountBacking mounts a small tmpfs as the backing directory, so that the disk can fill up.
func (b *bed) mountBacking() {
	b.backing = filepath.Join(b.base, "backing")
	if err := os.Mkdir(b.backing, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", b.backing, "tmpfs", 0, "size="+tmpfsSize); err != nil {
		b.t.Fatalf("mount a %s tmpfs at %s: %v", tmpfsSize, b.backing, err)
	}
	b.t.Cleanup(func() { syscall.Unmount(b.backing, syscall.MNT_DETACH) })
	b.exp = filepath.Join(b.backing, "exp")
}

func (b *bed) initExperiment() {
	out, err := exec.Command(b.bin, "init", "--dir", b.exp, "--preset", "digits", "--population", fmt.Sprint(populationSize),
		"--steps", "20", "--max-eval-examples", "200").CombinedOutput()
	if err != nil {
		b.t.Fatalf("evo init: %v\n%s", err, out)
	}
}

func (b *bed) mountHosts() {
	for i, h := range hostSpecs {
		dir := filepath.Join(b.base, "mnt", h.key)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.t.Fatal(err)
		}
		m, err := nfsfuse.New(dir, b.backing, nfsfuse.Options{AttrTimeout: cacheTimeout, EntryTimeout: cacheTimeout,
			DirCacheTimeout: cacheTimeout, RenameENOENT: renameENOENT, Seed: int64(i + 1)})
		if err != nil {
			b.t.Fatal(err)
		}
		b.mounts = append(b.mounts, m)
	}
	b.t.Cleanup(b.unmountHosts)
}

func (b *bed) unmountHosts() {
	for _, m := range b.mounts {
		if err := m.Unmount(); err != nil {
			b.t.Log(err)
		}
	}
	b.mounts = nil
}

// hostScript runs inside a host's namespaces: it sets the hostname and starts the workers and
// the collector, each marked with BED_SLOT so that the bed can find its pid.
const hostScript = `echo "$BED_HOSTNAME" > /proc/sys/kernel/hostname || exit 1
i=0
while [ $i -lt $BED_WORKERS ]; do
  BED_SLOT=$BED_HOST-w$i "$BED_EVO" worker --dir "$BED_DIR" --threads 1 2>"$BED_LOGS/$BED_HOST-w$i.log" &
  i=$((i+1))
done
BED_SLOT=$BED_HOST-gc "$BED_EVO" gc --loop --dir "$BED_DIR" --every $BED_GC_EVERY --grace $BED_GC_GRACE \
  --stale-staging $BED_GC_STALE $EVO_MULTIHOST_GC_ARGS >"$BED_LOGS/$BED_HOST-gc.out" 2>"$BED_LOGS/$BED_HOST-gc.log" &
wait
`

func (b *bed) startHosts() {
	logs := filepath.Join(b.base, "logs")
	if err := os.Mkdir(logs, 0o755); err != nil {
		b.t.Fatal(err)
	}
	for i, h := range hostSpecs {
		cmd := exec.Command("unshare", "--uts", "--pid", "--fork", "--mount-proc", "--", "sh", "-c", hostScript)
		cmd.Env = append(os.Environ(), "BED_RUN="+b.token, "BED_HOST="+h.key, "BED_HOSTNAME="+h.hostname,
			"BED_EVO="+b.bin, "BED_DIR="+filepath.Join(b.mounts[i].Dir, "exp"), "BED_LOGS="+logs,
			fmt.Sprintf("BED_WORKERS=%d", workersPerHost), "BED_GC_EVERY="+gcEvery.String(),
			"BED_GC_GRACE="+gcGrace.String(), "BED_GC_STALE="+staleLimit.String(), "EVO_CLOCK_OFFSET="+h.clockOffset)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			b.t.Fatalf("start host %s: %v", h.key, err)
		}
		b.cmds = append(b.cmds, cmd)
		b.t.Cleanup(func() {
			if cmd.ProcessState == nil {
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				cmd.Wait()
			}
		})
		for w := range workersPerHost {
			b.slots = append(b.slots, &slot{key: fmt.Sprintf("%s-w%d", h.key, w), host: i,
				logPath: filepath.Join(logs, fmt.Sprintf("%s-w%d.log", h.key, w))})
		}
		b.slots = append(b.slots, &slot{key: h.key + "-gc", host: i, gc: true, logPath: filepath.Join(logs, h.key+"-gc.log")})
	}
	b.start = time.Now()
}

// workerStartRE finds the line a worker logs once it holds its lock, with the log's time.
var workerStartRE = regexp.MustCompile(`time=(\S+) level=INFO msg="worker starting" worker=(\S+) .*experiment_seed=`)

// findProcesses finds each slot's pid (as seen from the bed) and each worker's name.
func (b *bed) findProcesses() {
	deadline := time.Now().Add(60 * time.Second)
	for {
		missing := 0
		pids := b.scanProc()
		b.mu.Lock()
		for _, s := range b.slots {
			if s.pid == 0 {
				s.pid = pids[s.key]
			}
			if !s.gc && s.name == "" {
				if data, err := os.ReadFile(s.logPath); err == nil {
					if m := workerStartRE.FindSubmatch(data); m != nil {
						// The log's time, not the time the bed read it: a collector may act in between.
						s.name, s.registered = string(m[2]), time.Now()
						if t, err := time.Parse(time.RFC3339Nano, string(m[1])); err == nil && t.Before(s.registered) {
							s.registered = t
						}
					}
				}
			}
			if s.pid == 0 || !s.gc && s.name == "" {
				missing++
			}
		}
		b.mu.Unlock()
		if missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%d bed processes did not start within a minute; logs in %s", missing, filepath.Join(b.base, "logs"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// scanProc maps BED_SLOT to pid for the evo processes of this bed.
func (b *bed) scanProc() map[string]int {
	out := map[string]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscanf(e.Name(), "%d", &pid); err != nil {
			continue
		}
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if strings.TrimSpace(string(comm)) != "evo" {
			continue
		}
		env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
		if err != nil || !bytes.Contains(env, []byte("\x00BED_RUN="+b.token+"\x00")) && !bytes.HasPrefix(env, []byte("BED_RUN="+b.token+"\x00")) {
			continue
		}
		for _, kv := range bytes.Split(env, []byte{0}) {
			if k, ok := bytes.CutPrefix(kv, []byte("BED_SLOT=")); ok {
				out[string(k)] = pid
			}
		}
	}
	return out
}

// monitor watches the lock file of every running worker on the backing directory.
func (b *bed) monitor() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			b.mu.Lock()
			for _, s := range b.slots {
				if s.gc || s.name == "" || !s.ended.IsZero() || !s.lockGone.IsZero() {
					continue
				}
				if _, err := os.Lstat(filepath.Join(b.exp, "locks", s.name+".lock")); errors.Is(err, os.ErrNotExist) {
					s.lockGone, s.lockState = time.Now(), s.stateAt(time.Now())
				}
			}
			b.mu.Unlock()
		}
	})
	return func() { close(done); wg.Wait() }
}

// stateAt says what the worker was doing at t: "starting", "running", "stopped <d>" or "dead".
func (s *slot) stateAt(t time.Time) string {
	switch {
	case s.registered.IsZero() || t.Before(s.registered):
		return "starting"
	case !s.ended.IsZero() && !t.Before(s.ended):
		return "dead"
	case !s.stopped.IsZero() && !t.Before(s.stopped) && (s.resumed.IsZero() || t.Before(s.resumed)):
		return "stopped " + t.Sub(s.stopped).Round(time.Second).String()
	}
	return "running"
}

// mayLose says whether a collector may take the worker's lock or stage at t: the worker was dead,
// or stopped for longer than the staleness limit less the age its last seen heartbeat may
// already have had when it was stopped (one interval plus the cache timeout), or resumed less
// than a collection ago, with a plan made while it was stopped.
func (s *slot) mayLose(t time.Time) bool {
	// Before the bed saw the worker register counts as alive: names are unique per process, so
	// the worker's files exist only once it runs.
	if !s.ended.IsZero() && !t.Before(s.ended) {
		return true
	}
	if s.stopped.IsZero() || t.Before(s.stopped.Add(staleLimit-beatInterval-cacheTimeout)) {
		return false
	}
	return s.resumed.IsZero() || t.Before(s.resumed.Add(2*gcEvery+cacheTimeout))
}

func (b *bed) slotByKey(key string) *slot {
	for _, s := range b.slots {
		if s.key == key {
			return s
		}
	}
	b.t.Fatalf("no slot %s", key)
	return nil
}

func (b *bed) signal(s *slot, sig syscall.Signal) {
	if err := syscall.Kill(s.pid, sig); err != nil {
		b.t.Logf("signal %v to %s (pid %d): %v", sig, s.key, s.pid, err)
	}
	b.t.Logf("%5.1fs %v to %s (%s)", time.Since(b.start).Seconds(), sig, s.key, s.name)
}

// chaos runs the schedule: a SIGKILL, a long SIGSTOP and a full disk, then lets the run go on.
func (b *bed) chaos() {
	at := func(d time.Duration) { time.Sleep(time.Until(b.start.Add(d))) }
	killed, stopped := b.slotByKey("h1-w1"), b.slotByKey("h2-w0")
	at(killAt)
	b.mu.Lock()
	killed.ended = time.Now()
	b.mu.Unlock()
	b.signal(killed, syscall.SIGKILL)
	b.figures["SIGKILLs"]++
	at(stopAt)
	// Stop the worker while it writes a child, if it does so within 5 s, so that it wakes up
	// mid-write after its stage may have been collected.
	if b.waitForStage(stopped.name, 5*time.Second) {
		b.figures["SIGSTOPs mid-write (stage present)"]++
	}
	b.mu.Lock()
	stopped.stopped = time.Now()
	b.mu.Unlock()
	b.signal(stopped, syscall.SIGSTOP)
	b.figures["SIGSTOPs"]++
	at(fillAt)
	b.filled = b.fillDisk()
	b.t.Logf("%5.1fs disk full (%d MiB of filler)", time.Since(b.start).Seconds(), b.filled>>20)
	at(fillAt + fillFor)
	if err := os.Remove(filepath.Join(b.backing, "filler")); err != nil {
		b.t.Errorf("free the disk: %v", err)
	}
	b.t.Logf("%5.1fs disk freed", time.Since(b.start).Seconds())
	at(stopAt + stopFor)
	b.mu.Lock()
	stopped.resumed = time.Now()
	b.mu.Unlock()
	b.signal(stopped, syscall.SIGCONT)
	at(runFor)
}

// waitForStage polls the backing directory until worker has a stage, for at most d.
func (b *bed) waitForStage(worker string, d time.Duration) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		names, _ := filepath.Glob(filepath.Join(b.exp, "staging", worker+".2*"))
		if len(names) > 0 {
			return true
		}
	}
	return false
}

// fillDisk writes a filler file on the backing tmpfs until it is full.
func (b *bed) fillDisk() int64 {
	f, err := os.Create(filepath.Join(b.backing, "filler"))
	if err != nil {
		b.t.Errorf("fill the disk: %v", err)
		return 0
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	var n int64
	for {
		k, err := f.Write(buf)
		n += int64(k)
		if err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				b.t.Errorf("fill the disk: %v", err)
			}
			return n
		}
	}
}

// stopAll ends the workers with SIGTERM (as a scheduler does), then the collectors.
func (b *bed) stopAll() {
	var workers, collectors []*slot
	for _, s := range b.slots {
		if s.gc {
			collectors = append(collectors, s)
		} else if s.ended.IsZero() {
			workers = append(workers, s)
		}
	}
	for _, group := range [][]*slot{workers, collectors} {
		for _, s := range group {
			b.mu.Lock()
			s.ended = time.Now()
			b.mu.Unlock()
			syscall.Kill(s.pid, syscall.SIGCONT)
			syscall.Kill(s.pid, syscall.SIGTERM)
		}
		deadline := time.Now().Add(60 * time.Second)
		for _, s := range group {
			for processAlive(s.pid) {
				if time.Now().After(deadline) {
					b.t.Errorf("%s (pid %d) did not exit within a minute of SIGTERM; killed", s.key, s.pid)
					syscall.Kill(s.pid, syscall.SIGKILL)
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
	}
	for i, cmd := range b.cmds {
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			b.t.Errorf("host %s did not end after its processes; killed", hostSpecs[i].key)
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
}

// processAlive reports whether pid exists and is not a zombie.
func processAlive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	_, rest, _ := bytes.Cut(data, []byte(") "))
	return len(rest) > 0 && rest[0] != 'Z'
}
