package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Layout of an experiment directory (see the package documentation).
const (
	fileConfig    = "experiment.json"
	fileControl   = "control.json"
	dirPopulation = "population"
	dirGraveyard  = "graveyard"
	dirStaging    = "staging"
	dirHeartbeats = "heartbeats"
	dirHistory    = "history"
	dirLocks      = "locks"
	dirQuarantine = "quarantine"
	// dirLogs holds free-form log files of the processes of a run (worker stderr, GC output);
	// storage creates it and never reads, checks or collects it.
	dirLogs        = "logs"
	recordFileName = "record.json"
)

// layoutDirs are created by Init and Open, in this order.
var layoutDirs = []string{dirPopulation, dirGraveyard, dirStaging, dirHeartbeats, dirHistory, dirLocks, dirQuarantine, dirLogs}

// Size limits checked before anything is read into memory.
const (
	// MaxConfigSize bounds experiment.json and control.json: configs are small JSON objects.
	MaxConfigSize = 1 << 20
	// MaxRecordSize bounds record.json: a record lists a handful of files plus caller metadata.
	MaxRecordSize = 1 << 20
	// MaxHeartbeatSize bounds one heartbeat file.
	MaxHeartbeatSize = 64 << 10
)

// Options configures a Root. The zero value is ready to use.
type Options struct {
	// Now is the clock; nil means time.Now. Ids, grave names, heartbeats and GC ages use it.
	Now func() time.Time
	// Logger receives warnings about skipped foreign entries and GC actions; nil discards.
	Logger *slog.Logger

	// ClockOffset is added to every reading of the clock (Now or time.Now): ids, grave names,
	// heartbeat times and liveness ages. Tests and the multi-host test bed use it to simulate a
	// host whose clock is skewed (the evo command reads it from EVO_CLOCK_OFFSET, e.g. "-5m").
	ClockOffset time.Duration

	fs     fileSystem  // nil means the real file system; tests inject faults here
	domain *lockDomain // nil means detect; tests simulate other hosts here
}

// Root is an open experiment directory. It is safe for concurrent use by several goroutines;
// any number of processes on any number of hosts may open the same directory.
type Root struct {
	dir    string
	config []byte
	fs     fileSystem
	now    func() time.Time
	log    *slog.Logger
	self   string // this process's writer name: temporary files and the GC history log

	held sync.Map // worker name → *flock.Flock held by Register

	obs        observer // what this process has watched of other workers (see Liveness)
	dom        *lockDomain
	domainOnce sync.Once

	gcMu  sync.Mutex
	gcLog *History

	gcRegistered bool         // registerCollector ran (under gcMu)
	gcRelease    func() error // releases the collector lock taken to claim graves
}

func newRoot(dir string, opts Options) *Root {
	r := &Root{dir: filepath.Clean(dir), fs: opts.fs, now: opts.Now, log: opts.Logger, self: NewWorkerID(), dom: opts.domain}
	if r.fs == nil {
		r.fs = osFS{}
	}
	if r.now == nil {
		r.now = time.Now
	}
	if off := opts.ClockOffset; off != 0 {
		now := r.now
		r.now = func() time.Time { return now().Add(off) }
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	return r
}

// Dir returns the experiment directory.
func (r *Root) Dir() string { return r.dir }

// LogDir is the directory for free-form log files of a run's processes (logs/).
func (r *Root) LogDir() string { return r.path(dirLogs) }

// Config returns the experiment's immutable configuration (the bytes of experiment.json).
func (r *Root) Config() []byte { return bytes.Clone(r.config) }

func (r *Root) path(elem ...string) string {
	return filepath.Join(append([]string{r.dir}, elem...)...)
}

// Init creates the experiment directory root with config (JSON) as its immutable
// experiment.json, or opens it if it exists with an equal config (compared as compact JSON).
// Several processes, on several hosts, may run Init at once: experiment.json is created with
// link(2), which fails if the name exists, so exactly one config wins and every caller compares
// against the winner. A different existing config is ErrConfigMismatch.
func Init(root string, config []byte, opts Options) (*Root, error) {
	if err := checkPlatform(); err != nil {
		return nil, err
	}
	want, err := compactJSON(config)
	if err != nil {
		return nil, fmt.Errorf("storage: init %s: config is not valid JSON: %w", root, err)
	}
	if len(config) > MaxConfigSize {
		return nil, fmt.Errorf("storage: init %s: config is %d bytes, limit %d: %w", root, len(config), MaxConfigSize, ErrTooLarge)
	}
	r := newRoot(root, opts)
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return nil, fmt.Errorf("storage: init %s: %w", root, err)
	}
	if err := r.makeLayout(); err != nil {
		return nil, fmt.Errorf("storage: init %s: %w", root, err)
	}
	if err := r.createConfig(config); err != nil {
		return nil, fmt.Errorf("storage: init %s: %w", root, err)
	}
	if err := r.loadConfig(); err != nil {
		return nil, fmt.Errorf("storage: init %s: %w", root, err)
	}
	have, err := compactJSON(r.config)
	if err != nil || !bytes.Equal(have, want) {
		return nil, fmt.Errorf("storage: init %s: %s already holds a different configuration; use a new "+
			"directory for a new experiment, or pass the same config to resume this one: %w",
			root, r.path(fileConfig), ErrConfigMismatch)
	}
	return r, nil
}

// Open opens an existing experiment directory created by Init.
func Open(root string, opts Options) (*Root, error) {
	if err := checkPlatform(); err != nil {
		return nil, err
	}
	r := newRoot(root, opts)
	if err := r.loadConfig(); err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", root, err)
	}
	if err := r.makeLayout(); err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", root, err)
	}
	return r, nil
}

// makeLayout creates the layout directories that are missing and refuses symlinks among them.
func (r *Root) makeLayout() error {
	for _, d := range layoutDirs {
		p := r.path(d)
		err := r.fs.Mkdir(p, 0o755)
		if err == nil || errors.Is(err, fs.ErrExist) {
			st, lerr := r.fs.Lstat(p)
			if lerr != nil {
				return lerr
			}
			if !st.IsDir() {
				return fmt.Errorf("%s is not a directory (symlinks are refused); move it away", p)
			}
			continue
		}
		return err
	}
	return nil
}

// createConfig publishes experiment.json once: stage it, then link(2) it into place. A link that
// fails because the name exists means another initialiser won; its config is compared by Init.
// Where hard links are not supported, fall back to a rename guarded by an existence check.
func (r *Root) createConfig(config []byte) error {
	dst := r.path(fileConfig)
	if _, err := r.fs.Lstat(dst); err == nil {
		return nil
	}
	tmp := r.path(dirStaging, r.self+".tmp-"+randomHex(8))
	if err := r.writeNew(tmp, config); err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	defer r.fs.Remove(tmp)
	err := r.fs.Link(tmp, dst)
	switch {
	case err == nil, isExistErr(err):
	default:
		if _, serr := r.fs.Lstat(dst); serr == nil {
			break
		}
		if rerr := r.fs.Rename(tmp, dst); rerr != nil {
			return fmt.Errorf("create %s: link: %v; rename: %w", dst, err, rerr)
		}
	}
	return r.syncDir(r.dir)
}

// loadConfig reads experiment.json into r.config.
func (r *Root) loadConfig() error {
	p := r.path(fileConfig)
	data, err := r.readSmall(p, MaxConfigSize)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s does not exist; run `evo init` on this directory first: %w", p, ErrNotExperiment)
	}
	if err != nil {
		return fmt.Errorf("%s: %v: %w", p, err, ErrNotExperiment)
	}
	if !json.Valid(data) {
		return fmt.Errorf("%s is not valid JSON; it was edited or damaged: %w", p, ErrNotExperiment)
	}
	r.config = data
	return nil
}

func compactJSON(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
