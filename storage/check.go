package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ProblemKind classifies what Check found.
type ProblemKind string

// The problems Check reports.
const (
	ProblemForeign   ProblemKind = "foreign"   // an entry that does not belong where it is (or a symlink)
	ProblemTorn      ProblemKind = "torn"      // a population directory without a valid record
	ProblemCorrupt   ProblemKind = "corrupt"   // a recorded file missing, of the wrong size or checksum, or an unrecorded file
	ProblemDuplicate ProblemKind = "duplicate" // an id in more than one place (alive and dead, or two graves)
	ProblemLeak      ProblemKind = "leak"      // a staging leftover of a worker that Liveness judges dead
	ProblemLayout    ProblemKind = "layout"    // a layout directory or experiment.json missing or wrong (not repairable)
)

// Problem is one thing wrong in an experiment directory.
type Problem struct {
	Kind   ProblemKind
	Path   string // relative to the experiment directory
	Detail string
}

func (p Problem) String() string { return fmt.Sprintf("%s %s: %s", p.Kind, p.Path, p.Detail) }

// Check lists every problem in the experiment directory. It reads every file of every alive
// individual to verify its checksum, so it is slow on a large population; it changes nothing.
func (r *Root) Check(ctx context.Context) ([]Problem, error) {
	var ps []Problem
	add := func(k ProblemKind, path, format string, a ...any) {
		ps = append(ps, Problem{Kind: k, Path: path, Detail: fmt.Sprintf(format, a...)})
	}
	if err := r.loadConfig(); err != nil {
		add(ProblemLayout, fileConfig, "%v", err)
	}
	top, err := r.fs.ReadDir(r.dir)
	if err != nil {
		return nil, fmt.Errorf("storage: check: %w", err)
	}
	for _, e := range top {
		n := e.Name()
		switch {
		case slices.Contains(layoutDirs, n) && e.IsDir():
		case (n == fileConfig || n == fileControl || n == fileHistoryIndex) && e.Type().IsRegular():
		default:
			add(ProblemForeign, n, "not part of the experiment layout")
		}
	}
	for _, d := range layoutDirs {
		if st, err := r.fs.Lstat(r.path(d)); err != nil || !st.IsDir() {
			add(ProblemLayout, d, "missing or not a directory; Open recreates missing directories")
		}
	}
	where := map[string][]string{} // id → every place it is
	if err := r.checkPopulation(ctx, add, where); err != nil {
		return nil, err
	}
	r.checkGraveyard(add, where)
	r.checkStaging(add)
	r.checkNamed(add, dirHeartbeats, ".json")
	r.checkNamed(add, dirHistory, ".jsonl")
	r.checkNamed(add, dirLocks, ".lock")
	for _, id := range slices.Sorted(maps.Keys(where)) {
		if places := where[id]; len(places) > 1 {
			add(ProblemDuplicate, places[0], "id %s is in %d places: %s", id, len(places), strings.Join(places, ", "))
		}
	}
	return ps, ctx.Err()
}

type addFunc func(k ProblemKind, path, format string, a ...any)

func (r *Root) checkPopulation(ctx context.Context, add addFunc, where map[string][]string) error {
	entries, _ := r.fs.ReadDir(r.path(dirPopulation))
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		rel := filepath.Join(dirPopulation, e.Name())
		if !idRE.MatchString(e.Name()) || !e.IsDir() {
			add(ProblemForeign, rel, "not an individual directory (type %v)", e.Type())
			continue
		}
		where[e.Name()] = append(where[e.Name()], rel)
		rec, err := r.readRecord(r.path(rel), e.Name())
		if err != nil {
			add(ProblemTorn, rel, "%v", err)
			continue
		}
		r.checkFiles(rel, rec, add)
	}
	return nil
}

// checkFiles verifies every file of an individual against its record and looks for extras.
func (r *Root) checkFiles(rel string, rec *Record, add addFunc) {
	files, err := r.fs.ReadDir(r.path(rel))
	if err != nil {
		add(ProblemTorn, rel, "unreadable: %v", err)
		return
	}
	for _, f := range files {
		if _, ok := rec.Files[f.Name()]; !ok && f.Name() != recordFileName {
			add(ProblemCorrupt, rel, "file %s is not in the record", f.Name())
		}
	}
	for _, name := range slices.Sorted(maps.Keys(rec.Files)) {
		want := rec.Files[name]
		if err := r.verifyFile(r.path(rel, name), want); err != nil {
			add(ProblemCorrupt, rel, "file %s: %v", name, err)
		}
	}
}

// verifyFile checks one file's size and checksum without following symlinks.
func (r *Root) verifyFile(path string, want FileInfo) error {
	f, err := r.fs.OpenFile(path, os.O_RDONLY|openNoFollow, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return err
	}
	if n != want.Size {
		return fmt.Errorf("%d bytes, record says %d", n, want.Size)
	}
	if hex.EncodeToString(h.Sum(nil)) != want.SHA256 {
		return errors.New("checksum mismatch")
	}
	return nil
}

func (r *Root) checkGraveyard(add addFunc, where map[string][]string) {
	entries, _ := r.fs.ReadDir(r.path(dirGraveyard))
	for _, e := range entries {
		rel := filepath.Join(dirGraveyard, e.Name())
		if _, ok := parseClaimDir(e.Name()); ok && e.IsDir() {
			// A collector's claim directory: graves being collected (see collectGrave).
			inside, _ := r.fs.ReadDir(r.path(rel))
			for _, g := range inside {
				grel := filepath.Join(rel, g.Name())
				if id, _, _, ok := parseGrave(g.Name()); ok && g.IsDir() {
					where[id] = append(where[id], grel)
				} else {
					add(ProblemForeign, grel, "not a grave (want <id>.<unix-nanos>.<killer>/)")
				}
			}
			continue
		}
		id, _, _, ok := parseGrave(e.Name())
		if !ok || !e.IsDir() {
			add(ProblemForeign, rel, "not a grave (want <id>.<unix-nanos>.<killer>/ or a claim directory gc-<collector>/)")
			continue
		}
		where[id] = append(where[id], rel)
	}
}

func (r *Root) checkStaging(add addFunc) {
	entries, _ := r.fs.ReadDir(r.path(dirStaging))
	for _, e := range entries {
		rel := filepath.Join(dirStaging, e.Name())
		worker, _, ok := parseStaging(e.Name())
		if !ok || e.Type()&fs.ModeSymlink != 0 {
			add(ProblemForeign, rel, "not a stage (want <worker>.<id>/ or <worker>.tmp-<hex>)")
			continue
		}
		if l := r.Liveness(worker, DefaultStaleStaging); l.Verdict == Dead {
			add(ProblemLeak, rel, "its worker %s is dead (%s); run the garbage collector", worker, l.Reason)
		}
	}
}

// checkNamed reports entries of dir that are not regular files named <worker><suffix>.
func (r *Root) checkNamed(add addFunc, dir, suffix string) {
	entries, _ := r.fs.ReadDir(r.path(dir))
	for _, e := range entries {
		worker, ok := strings.CutSuffix(e.Name(), suffix)
		if !ok || checkName("worker", worker) != nil || !e.Type().IsRegular() {
			add(ProblemForeign, filepath.Join(dir, e.Name()), "want regular files named <worker>%s", suffix)
		}
	}
}
