package population

import (
	"bytes"
	"math"
	"sync"
)

// probe wraps a Store and keeps exact books: the alive set (publishes and kills are
// serialised through it), its extremes once the population first reached low, the genome of
// every staged child, and which parents each worker read.
type probe struct {
	Store
	mu      sync.Mutex
	alive   map[string]bool
	low     int // the lower bound starts to hold once alive reaches low
	armed   bool
	min     int
	max     int
	genomes map[string][]byte // child id → genome.json
	read    map[string]bool   // ids whose genome a worker read successfully
	kills   int
	births  int
}

func newProbe(s Store, low int) *probe {
	return &probe{Store: s, alive: map[string]bool{}, low: low, min: math.MaxInt,
		genomes: map[string][]byte{}, read: map[string]bool{}}
}

func (p *probe) note() {
	n := len(p.alive)
	if !p.armed && n >= p.low {
		p.armed = true
	}
	if p.armed {
		p.min = min(p.min, n)
	}
	p.max = max(p.max, n)
}

func (p *probe) Kill(id, killer string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	err := p.Store.Kill(id, killer)
	if err == nil {
		delete(p.alive, id)
		p.kills++
		p.note()
	}
	return err
}

func (p *probe) ReadFile(id, name string, max int64) ([]byte, error) {
	b, err := p.Store.ReadFile(id, name, max)
	if err == nil && name == GenomeFile {
		p.mu.Lock()
		p.read[id] = true
		p.mu.Unlock()
	}
	return b, err
}

func (p *probe) Stage(worker string) (Staging, error) {
	st, err := p.Store.Stage(worker)
	if err != nil {
		return nil, err
	}
	return &probeStage{Staging: st, p: p}, nil
}

type probeStage struct {
	Staging
	p      *probe
	genome []byte
}

func (s *probeStage) WriteFile(name string, data []byte) error {
	if name == GenomeFile {
		s.genome = bytes.Clone(data)
	}
	return s.Staging.WriteFile(name, data)
}

func (s *probeStage) Publish(meta []byte) error {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	err := s.Staging.Publish(meta)
	if err == nil {
		s.p.alive[s.ID()] = true
		s.p.genomes[s.ID()] = s.genome
		s.p.births++
		s.p.note()
	}
	return err
}

func (p *probe) extremes() (lo, hi int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.min, p.max
}
