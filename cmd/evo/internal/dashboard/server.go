package dashboard

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"evo/genome"
	"evo/population"
)

//go:embed assets
var assets embed.FS

// File is one file of an individual's directory.
type File struct {
	Name string
	Size int64
}

// Individuals gives what only the evo command knows how to read: the genome of any individual
// (alive, in its grave, or rebuilt from its lineage) and the files of its directory (alive or in
// its grave). Every method must only read.
type Individuals interface {
	// Genome returns the genome of in, alive or dead (in as population.Show returned it).
	Genome(in population.Individual) (*genome.Genome, error)
	// Files lists the files of id's directory as its record names them (none once its grave
	// was collected).
	Files(id string) ([]File, error)
	// Open opens file name of id, one of those Files returns, for reading.
	Open(id, name string) (io.ReadCloser, error)
}

// Experiment is one experiment directory the dashboard shows.
type Experiment struct {
	// Label names it on the compare page (default: Dir).
	Label string
	// Dir is the directory, as the person gave it.
	Dir string
	// Store reads the experiment.
	Store population.Reader
	// Config is experiment.json, shown as the run's settings.
	Config []byte
	// Budgets holds the budgets of experiment.json (MaxIndividuals, MaxFLOPs, MaxWall); control.json
	// may replace them.
	Budgets population.Config
	// Graveyard returns the number of graves and their bytes (nil: not shown).
	Graveyard func() (graves int, bytes int64, err error)
}

// Options configures a Server. Main, Main.Store and Individuals are required.
type Options struct {
	Main Experiment
	// Compare are further experiments for the compare page (Main is always its first curve).
	Compare []Experiment
	// Individuals reads the main experiment's genomes and files.
	Individuals Individuals
	// Wake receives a value whenever the main experiment may have changed (storage's Watch);
	// nil: the generation advances every Every instead.
	Wake <-chan struct{}
	// Every is the refresh period without Wake, and the shortest time between two "change"
	// events sent to browsers; 0 means one second.
	Every time.Duration
	// FirstWait is how long a page waits for the first computation of a view that reads the
	// whole history before it shows a placeholder (the page refreshes when the view is ready);
	// 0 means 200 ms.
	FirstWait time.Duration
	// LoopbackOnly refuses requests whose Host header names anything but localhost or an IP
	// address: a server bound to 127.0.0.1 then cannot be read by a web page that rebinds its
	// own domain name to 127.0.0.1 (DNS rebinding). evo serve sets it for a loopback --addr.
	LoopbackOnly bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives request errors; nil discards.
	Logger *slog.Logger
}

// Server is the dashboard's HTTP handler. Run must be running for live updates.
type Server struct {
	opts  Options
	tmpl  *template.Template
	mux   *http.ServeMux
	cache cache
	fig1  slow // the Figure 1 view
	cmp   slow // the compare page's curves

	mu      sync.Mutex
	clients map[chan uint64]struct{}
}

// New checks opts and builds the server.
func New(opts Options) (*Server, error) {
	if opts.Main.Store == nil || opts.Individuals == nil {
		return nil, errors.New("dashboard: the main experiment's store and an Individuals reader are required")
	}
	for _, c := range opts.Compare {
		if c.Store == nil {
			return nil, fmt.Errorf("dashboard: compare experiment %s has no store", c.Dir)
		}
	}
	if opts.Every <= 0 {
		opts.Every = time.Second
	}
	if opts.FirstWait <= 0 {
		opts.FirstWait = 200 * time.Millisecond
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	tmpl, err := template.New("").Funcs(funcs).ParseFS(assets, "assets/*.html")
	if err != nil {
		return nil, fmt.Errorf("dashboard: templates: %w", err)
	}
	s := &Server{opts: opts, tmpl: tmpl, clients: map[chan uint64]struct{}{}}
	s.cache.gen.Store(1)
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	static, _ := fs.Sub(assets, "assets")
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.page(s.overview))
	m.HandleFunc("GET /workers", s.page(s.workers))
	m.HandleFunc("GET /leaderboard", s.page(s.leaderboard))
	m.HandleFunc("GET /individual/{id}", s.page(s.individual))
	m.HandleFunc("GET /individual/{id}/files/{name}", s.file)
	m.HandleFunc("GET /compare", s.page(s.compare))
	m.HandleFunc("GET /events", s.events)
	m.Handle("GET /static/{name}", http.StripPrefix("/static/", http.FileServerFS(onlyFiles{static})))
	s.mux = m
}

// ServeHTTP answers GET and HEAD (the mux lets HEAD through GET patterns) and refuses every
// other method: the dashboard changes nothing.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "the dashboard is read-only: only GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	if s.opts.LoopbackOnly && !localHost(r.Host) {
		http.Error(w, "the dashboard answers only to http://127.0.0.1:PORT or http://localhost:PORT", http.StatusMisdirectedRequest)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	s.mux.ServeHTTP(w, r)
}

// Run advances the generation on every wake-up and tells the browsers, at most once per
// Every, until ctx ends.
func (s *Server) Run(ctx context.Context) {
	wake := s.opts.Wake
	var tick <-chan time.Time
	if wake == nil {
		t := time.NewTicker(s.opts.Every)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-wake:
			if !ok {
				return
			}
		case <-tick:
		}
		s.broadcast(s.cache.gen.Add(1))
		if wake == nil {
			continue
		}
		// fsnotify wakes with every birth and kill on this host: pass on at most one change per
		// Every (the wake channel keeps the one that arrives meanwhile).
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.opts.Every):
		}
	}
}

// Generation is the number of the experiment's state the pages show now.
func (s *Server) Generation() uint64 { return s.cache.gen.Load() }

func (s *Server) broadcast(gen uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.clients {
		select {
		case ch <- gen:
		default: // the client has a change pending already
		}
	}
}

// localHost is true for a Host header of localhost or an IP address, with or without a port.
func localHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return strings.EqualFold(host, "localhost") || net.ParseIP(host) != nil
}

// onlyFiles serves the embedded assets without directory listings.
type onlyFiles struct{ fsys fs.FS }

func (o onlyFiles) Open(name string) (fs.File, error) {
	f, err := o.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || st.IsDir() {
		f.Close()
		return nil, fs.ErrNotExist
	}
	return f, nil
}
