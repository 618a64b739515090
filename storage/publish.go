package storage

import (
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
)

// Publish makes the stage an individual. In order: check meta; write record.json last (id,
// worker, birth, every file with size and SHA-256, meta verbatim), fsynced; fsync the staging
// directory; rename it to population/<id> (the commit point: before it nothing is visible, after
// it everything is); fsync population/ and staging/. Any failure before the rename aborts the
// stage and returns the error, leaving nothing half-published. After the rename the child is
// published: a failure to fsync the parents is logged, not returned, because the rename cannot
// be undone and a crash then loses at most this child.
func (s *Stage) Publish(meta []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return s.closedErr()
	}
	fail := func(err error) error {
		s.abortLocked(err)
		return fmt.Errorf("storage: publish %s: %w", s.id, err)
	}
	if len(s.open) > 0 {
		return fail(fmt.Errorf("files still being written: %v", slices.Sorted(maps.Keys(s.open))))
	}
	if len(meta) > 0 {
		compact, err := compactJSON(meta)
		if err != nil {
			return fail(fmt.Errorf("meta is not valid JSON: %w", err))
		}
		meta = compact
	}
	rec := Record{ID: s.id, Worker: s.worker, Born: s.born, Files: maps.Clone(s.files), Meta: meta}
	data, err := json.MarshalIndent(&rec, "", "  ")
	if err != nil {
		return fail(err)
	}
	if len(data) > MaxRecordSize {
		return fail(fmt.Errorf("record is %d bytes, limit %d; keep meta small: %w", len(data), MaxRecordSize, ErrTooLarge))
	}
	if err := s.r.writeNew(filepath.Join(s.dir, recordFileName), data); err != nil {
		return fail(fmt.Errorf("write record: %w", err))
	}
	// Sync the directory so that its entries (files and record) are durable before the rename
	// makes them reachable from population/.
	if err := s.r.syncDir(s.dir); err != nil {
		return fail(err)
	}
	dst := s.r.path(dirPopulation, s.id)
	if err := s.r.fs.Rename(s.dir, dst); err != nil && !s.renameHappened(dst) {
		return fail(fmt.Errorf("rename into population: %w", err))
	}
	s.closed = true
	for _, d := range []string{dirPopulation, dirStaging} {
		if err := s.r.syncDir(s.r.path(d)); err != nil {
			s.r.log.Warn("storage: published but could not sync directory", "id", s.id, "dir", d, "err", err)
		}
	}
	return nil
}

// renameHappened checks, after a rename reported an error, whether it actually happened (a
// retransmitted NFS rename reports ENOENT although it succeeded): the stage is gone and the
// destination holds our record.
func (s *Stage) renameHappened(dst string) bool {
	if _, err := s.r.fs.Lstat(s.dir); err == nil {
		return false
	}
	data, err := s.r.readSmall(filepath.Join(dst, recordFileName), MaxRecordSize)
	if err != nil {
		return false
	}
	rec, err := decodeRecord(data, s.id)
	return err == nil && rec.Worker == s.worker
}
