package storage

import (
	"fmt"
	"path/filepath"
	"slices"
	"time"
)

// grave is one entry of the graveyard as the collector sees it.
type grave struct {
	name, id, killer string
	died             time.Time
	bytes            int64
}

// listGraves reads the graveyard: every well-formed grave with the bytes of its files. Foreign
// entries are left to the checker.
func (r *Root) listGraves() ([]grave, error) {
	entries, err := r.fs.ReadDir(r.path(dirGraveyard))
	if err != nil {
		return nil, fmt.Errorf("storage: graveyard: %w", err)
	}
	var out []grave
	for _, e := range entries {
		id, died, killer, ok := parseGrave(e.Name())
		if !ok {
			continue
		}
		out = append(out, grave{name: e.Name(), id: id, killer: killer, died: died, bytes: r.dirBytes(r.path(dirGraveyard, e.Name()))})
	}
	return out, nil
}

// dirBytes is the total size of the regular files directly in dir (an individual is flat).
func (r *Root) dirBytes(dir string) int64 {
	entries, err := r.fs.ReadDir(dir)
	if err != nil {
		return 0
	}
	var n int64
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
	}
	return n
}

// GraveyardUsage returns the number of graves and the bytes of their files, counting the graves
// that collectors have claimed but not yet removed.
func (r *Root) GraveyardUsage() (graves int, bytes int64, err error) {
	gs, err := r.listGraves()
	if err != nil {
		return 0, 0, err
	}
	for _, g := range gs {
		bytes += g.bytes
	}
	_, claimed, err := r.listClaims()
	if err != nil {
		return 0, 0, err
	}
	for _, g := range claimed {
		bytes += r.dirBytes(r.path(dirGraveyard, claimDirName(g.collector), g.name))
	}
	return len(gs) + len(claimed), bytes, nil
}

// planGraves lists the graves older than grace (0: every grave) and then, while the rest hold
// more than maxBytes (0: no cap), the oldest of them that are at least MinGraveGrace old.
func (r *Root) planGraves(grace time.Duration, maxBytes int64) ([]GCItem, error) {
	gs, err := r.listGraves()
	if err != nil {
		return nil, fmt.Errorf("storage: gc plan: %w", err)
	}
	now := r.now()
	item := func(g grave, why string) GCItem {
		return GCItem{Kind: GCGrave, Path: filepath.Join(dirGraveyard, g.name), ID: g.id,
			Reason: fmt.Sprintf("killed by %s %v ago (%s)", g.killer, now.Sub(g.died).Round(time.Second), why)}
	}
	var items []GCItem
	var kept []grave
	var keptBytes int64
	for _, g := range gs {
		if grace == 0 || now.Sub(g.died) >= grace {
			items = append(items, item(g, fmt.Sprintf("grace %v", grace)))
			continue
		}
		kept, keptBytes = append(kept, g), keptBytes+g.bytes
	}
	if maxBytes <= 0 || keptBytes <= maxBytes {
		return items, nil
	}
	slices.SortFunc(kept, func(a, b grave) int { return a.died.Compare(b.died) })
	for _, g := range kept {
		if keptBytes <= maxBytes || now.Sub(g.died) < MinGraveGrace {
			break
		}
		items = append(items, item(g, fmt.Sprintf("graveyard %d bytes over budget %d, minimum grace %v", keptBytes-maxBytes, maxBytes, MinGraveGrace)))
		keptBytes -= g.bytes
	}
	return items, nil
}

// planClaims lists the graves inside claim directories that this collector must finish: its own
// (left by a record that could not be written) and the abandoned claims of other collectors (a
// collector that died between claim and removal; see claimAbandoned). Other claims are left
// alone. It also returns the collectors whose empty claim directories may go.
func (r *Root) planClaims(bound time.Duration) (items []GCItem, gone []string, err error) {
	dirs, graves, err := r.listClaims()
	if err != nil {
		return nil, nil, fmt.Errorf("storage: gc plan: %w", err)
	}
	locks := map[string]lockProof{} // each other collector's lock, tried once per plan
	nonEmpty := map[string]bool{}
	for _, c := range dirs {
		if c == r.self {
			continue
		}
		locks[c] = r.lockProof(c)
		if locks[c].dead() {
			gone = append(gone, c)
		}
	}
	for _, g := range graves {
		nonEmpty[g.collector] = true
		src := filepath.Join(dirGraveyard, claimDirName(g.collector), g.name)
		reason := "left claimed by this collector"
		if g.collector != r.self {
			var abandoned bool
			if reason, abandoned = r.claimAbandoned(g.collector, src, locks[g.collector], bound); !abandoned {
				continue
			}
			if !slices.Contains(gone, g.collector) {
				gone = append(gone, g.collector) // its directory goes once emptied
			}
		}
		items = append(items, GCItem{Kind: GCGrave, Path: filepath.Join(dirGraveyard, g.name), ID: g.id, Reason: reason, src: src})
	}
	// An empty claim directory of another collector goes once it has been watched unchanged for
	// the bound (a live collector makes it again when it needs it).
	for _, c := range dirs {
		if c == r.self || nonEmpty[c] || locks[c].dead() {
			continue
		}
		if sig := r.signature(r.path(dirGraveyard, claimDirName(c)), 0); sig != "" {
			if unchanged, _ := r.obs.observe("claimdir/"+c, sig, r.now()); stale(unchanged, max(bound, 0)) {
				gone = append(gone, c)
			}
		}
	}
	return items, gone, nil
}
