package population

import (
	"context"
	"sync"
	"testing"
	"time"
)

// staleListStore serves List from a cache refreshed every `every` calls, as an NFS client
// serves a directory listing from its cache for seconds while steps take milliseconds. Every
// other operation (records, kills, heartbeats) goes to the real store. It records the real
// number of alive individuals after every publish and kill.
type staleListStore struct {
	Store
	every int

	mu       sync.Mutex
	calls    int
	cached   []string
	maxAlive int
	minFull  int // the minimum once P were alive; -1 before
	p        int
}

func (s *staleListStore) List() ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls%s.every == 0 {
		ids, err := s.Store.List()
		if err != nil {
			return nil, err
		}
		s.cached = ids
	}
	s.calls++
	return append([]string(nil), s.cached...), nil
}

// observe records the real population size.
func (s *staleListStore) observe() {
	ids, err := s.Store.List()
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxAlive = max(s.maxAlive, len(ids))
	if len(ids) >= s.p && s.minFull < 0 {
		s.minFull = len(ids)
	}
	if s.minFull >= 0 {
		s.minFull = min(s.minFull, len(ids))
	}
}

func (s *staleListStore) Kill(id, killer string) error {
	err := s.Store.Kill(id, killer)
	s.observe()
	return err
}

func (s *staleListStore) Stage(worker string) (Staging, error) {
	st, err := s.Store.Stage(worker)
	if err != nil {
		return nil, err
	}
	return observedStage{st, s}, nil
}

type observedStage struct {
	Staging
	s *staleListStore
}

func (o observedStage) Publish(meta []byte) error {
	err := o.Staging.Publish(meta)
	o.s.observe()
	return err
}

// TestStaleListingBound: workers whose directory listing lags (served from a cache for many
// steps) keep the population within P + W. Deciding on the stale count alone, each worker
// would publish a child without a kill at every step until the cache refreshed (and then cull
// at every step), so the population swung to several times P and back; a worker now changes
// the size only on a listing that shows its own last change (caughtUp).
func TestStaleListingBound(t *testing.T) {
	for _, tc := range []struct {
		workers, every int
	}{{1, 10}, {3, 10}} {
		const p = 6
		s := &staleListStore{Store: FromStorage(newRoot(t)), every: tc.every, minFull: -1, p: p}
		cfg := testConfig(p)
		cfg.MaxIndividuals = 80
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang guard only
		errs := runWorkers(ctx, t, s, newFakeTrainer(), cfg, tc.workers)
		cancel()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("%d workers: %v", tc.workers, err)
			}
		}
		b, kills := births(t, s)
		ids, err := s.Store.List()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d workers, listing refreshed every %d lists: %d births, %d kills, alive max %d, min once full %d, at the end %d",
			tc.workers, tc.every, len(b), len(kills), s.maxAlive, s.minFull, len(ids))
		if bound := p + tc.workers - 1; s.maxAlive > bound {
			t.Errorf("%d workers: %d alive at one moment, want at most P + W - 1 = %d", tc.workers, s.maxAlive, bound)
		}
		if s.minFull < 0 {
			t.Errorf("%d workers: the population never reached P = %d", tc.workers, p)
		}
		if len(ids) > p+tc.workers-1 || len(ids) == 0 {
			t.Errorf("%d workers: %d alive at the end, want 1 to %d", tc.workers, len(ids), p+tc.workers-1)
		}
	}
}
