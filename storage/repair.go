package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// Repair moves the entries named by problems (as returned by Check) to
// quarantine/<unix-nanos>.<path-with-slashes-as-underscores>, where a person can inspect them. It
// never deletes anything. Layout problems are not repairable and are skipped; so are entries
// that are already gone, and leaks whose worker Liveness no longer judges dead. For a duplicate
// id the alive copy is quarantined: the histories record it as killed, so it must not become a
// parent again. Failures are returned together.
func (r *Root) Repair(ctx context.Context, ps []Problem) error {
	var errs []error
	moved := map[string]bool{}
	for _, p := range ps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if p.Kind == ProblemLayout || moved[p.Path] {
			continue
		}
		if p.Path == "" || strings.Contains(p.Path, "..") || strings.HasPrefix(p.Path, "/") ||
			strings.HasPrefix(p.Path, dirQuarantine) || p.Path == fileConfig {
			errs = append(errs, fmt.Errorf("storage: repair: refusing to move %q", p.Path))
			continue
		}
		if p.Kind == ProblemLeak {
			// A leak belongs to a worker: move it only if that worker is still judged dead.
			worker, _, _ := parseStaging(filepath.Base(p.Path))
			if worker == "" || r.Liveness(worker, DefaultStaleStaging).Verdict != Dead {
				continue
			}
		}
		src := r.path(p.Path)
		if _, err := r.fs.Lstat(src); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		name := fmt.Sprintf("%d.%s", r.now().UnixNano(), strings.ReplaceAll(p.Path, "/", "_"))
		if err := r.fs.Rename(src, r.path(dirQuarantine, name)); err != nil {
			errs = append(errs, fmt.Errorf("storage: repair: quarantine %s: %w", p.Path, err))
			continue
		}
		moved[p.Path] = true
		r.log.Warn("storage: quarantined", "path", p.Path, "as", name, "problem", p.Kind, "detail", p.Detail)
	}
	if len(moved) > 0 {
		if err := r.syncDir(r.path(dirQuarantine)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
