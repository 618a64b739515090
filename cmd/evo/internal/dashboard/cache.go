package dashboard

import (
	"sync"
	"sync/atomic"
	"time"

	"evo/population"
)

// cache keeps what the pages compute from the experiment for one generation: a request in a
// later generation computes it again. Each entry is computed by the first request that needs
// it, while the others of the same generation wait for it.
type cache struct {
	gen atomic.Uint64

	mu      sync.Mutex
	entries map[string]*entry
}

type entry struct {
	gen  uint64
	once sync.Once
	val  any
	err  error
}

// get returns key's value for the current generation, computing it with fn when needed.
func (c *cache) get(key string, fn func() (any, error)) (any, error) {
	gen := c.gen.Load()
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string]*entry{}
	}
	e := c.entries[key]
	if e == nil || e.gen != gen {
		e = &entry{gen: gen}
		c.entries[key] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.val, e.err = fn() })
	return e.val, e.err
}

// statusView is the status report and the graveyard's size at one generation.
type statusView struct {
	Report     population.StatusReport
	Limits     population.Limits
	Graves     int
	GraveBytes int64
	HasGraves  bool
	Taken      time.Time
}

func (s *Server) status() (*statusView, error) {
	v, err := s.cache.get("status", func() (any, error) {
		now := s.opts.Now()
		r, err := population.Status(s.opts.Main.Store, now)
		if err != nil {
			return nil, err
		}
		sv := &statusView{Report: r, Limits: r.Control.Limits(s.opts.Main.Budgets), Taken: now}
		if g := s.opts.Main.Graveyard; g != nil {
			if n, b, err := g(); err == nil {
				sv.Graves, sv.GraveBytes, sv.HasGraves = n, b, true
			}
		}
		return sv, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*statusView), nil
}

// timeline is the Figure 1 view, computed in the background (see slow); nil while the first
// computation runs.
func (s *Server) timeline() (*timelinePlot, time.Time, error) {
	v, at, err := s.slowGet(&s.fig1, func() (any, error) {
		tl, err := population.TimelineOf(s.opts.Main.Store)
		if err != nil {
			return nil, err
		}
		return newTimelinePlot(tl), nil
	})
	if v == nil {
		return nil, at, err
	}
	return v.(*timelinePlot), at, err
}

func (s *Server) alive() ([]population.Individual, error) {
	v, err := s.cache.get("alive", func() (any, error) {
		list, _, err := population.Individuals(s.opts.Main.Store)
		return list, err
	})
	if err != nil {
		return nil, err
	}
	return v.([]population.Individual), nil
}

// curves are the best-so-far curves of the main and the compared experiments, computed in the
// background (see slow); nil while the first computation runs.
func (s *Server) curves() ([]compareCurve, time.Time, error) {
	v, at, err := s.slowGet(&s.cmp, func() (any, error) {
		var out []compareCurve
		for i, x := range append([]Experiment{s.opts.Main}, s.opts.Compare...) {
			c, err := population.CurveOf(x.Store)
			if err != nil {
				return nil, err
			}
			label := x.Label
			if label == "" {
				label = x.Dir
			}
			out = append(out, compareCurve{Label: label, Dir: x.Dir, Curve: c, Color: palette[i%len(palette)]})
		}
		return out, nil
	})
	if v == nil {
		return nil, at, err
	}
	return v.([]compareCurve), at, err
}

// slow holds a view that reads the whole history (seconds on a million events): it is computed
// in the background, and a page shows the latest one computed (with its time) rather than wait.
// A new computation starts when a page asks after the generation changed, at most one at a
// time, and no sooner than max(Every, 3 × the last one's duration) after the last began, so a
// busy experiment does not keep a core on the login node busy.
type slow struct {
	mu      sync.Mutex
	val     any
	err     error
	gen     uint64    // generation of val
	at      time.Time // when val's computation began
	started time.Time
	took    time.Duration
	running bool
	done    chan struct{} // closed when the running computation ends
}

// slowGet returns sl's latest value and when it was taken (a nil value while the first
// computation runs past FirstWait), starting a computation when one is due.
func (s *Server) slowGet(sl *slow, fn func() (any, error)) (any, time.Time, error) {
	gen := s.Generation()
	now := s.opts.Now()
	sl.mu.Lock()
	due := !sl.running && (sl.done == nil || sl.gen != gen && now.Sub(sl.started) >= max(s.opts.Every, 3*sl.took))
	if due {
		sl.running, sl.started, sl.done = true, now, make(chan struct{})
		go s.compute(sl, gen, now, fn)
	}
	done, first := sl.done, sl.val == nil && sl.err == nil
	sl.mu.Unlock()
	if first {
		select {
		case <-done:
		case <-time.After(s.opts.FirstWait):
		}
	}
	sl.mu.Lock()
	defer sl.mu.Unlock()
	return sl.val, sl.at, sl.err
}

func (s *Server) compute(sl *slow, gen uint64, began time.Time, fn func() (any, error)) {
	v, err := fn()
	sl.mu.Lock()
	if err == nil {
		sl.val, sl.gen, sl.at = v, gen, began
	}
	sl.err = err
	sl.running, sl.took = false, s.opts.Now().Sub(began)
	close(sl.done)
	sl.mu.Unlock()
	if err != nil {
		s.opts.Logger.Warn("dashboard: reading the history", "err", err)
	}
	// Pages that showed the older value (or none) fetch themselves again.
	s.broadcast(s.Generation())
}
