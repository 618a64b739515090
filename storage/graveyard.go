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
// (left by a record that could not be written) and those of collectors that Liveness judges dead
// (a collector that died between claim and removal). A live or unproven collector's claims are
// left alone. It also returns the dead collectors, whose empty claim directories go too.
func (r *Root) planClaims(stale time.Duration) (items []GCItem, dead []string, err error) {
	dirs, graves, err := r.listClaims()
	if err != nil {
		return nil, nil, fmt.Errorf("storage: gc plan: %w", err)
	}
	why := map[string]string{}
	for _, c := range dirs {
		if c == r.self {
			why[c] = "left claimed by this collector"
			continue
		}
		if l := r.Liveness(c, stale); l.Verdict == Dead {
			why[c] = "claimed by collector " + c + ", which is dead: " + l.Reason
			dead = append(dead, c)
		}
	}
	for _, g := range graves {
		if reason, ok := why[g.collector]; ok {
			items = append(items, GCItem{Kind: GCGrave, Path: filepath.Join(dirGraveyard, g.name), ID: g.id, Reason: reason,
				src: filepath.Join(dirGraveyard, claimDirName(g.collector), g.name)})
		}
	}
	return items, dead, nil
}
