package storage

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// FileInfo is what a record knows about one file of an individual.
type FileInfo struct {
	// Size in bytes.
	Size int64 `json:"size"`
	// SHA256 is the lowercase hex SHA-256 of the content.
	SHA256 string `json:"sha256"`
}

// Record is an individual's record.json, written last when it is staged: the commit of what the
// directory holds. A directory without a valid record is not an individual.
type Record struct {
	// ID is the individual's id, equal to its directory name in population/.
	ID string `json:"id"`
	// Worker is the name of the worker that published it.
	Worker string `json:"worker"`
	// Born is when it was staged (the time encoded in ID).
	Born time.Time `json:"born"`
	// Files lists every other file of the directory with its size and checksum.
	Files map[string]FileInfo `json:"files"`
	// Meta is the caller's metadata (parent, fitness, mutations, FLOPs ...), verbatim JSON.
	Meta json.RawMessage `json:"meta,omitempty"`
}

// decodeRecord parses and validates a record read from the directory named dirName.
func decodeRecord(data []byte, dirName string) (*Record, error) {
	var rec Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("record of %s is not valid JSON: %w", dirName, err)
	}
	if err := rec.validate(); err != nil {
		return nil, fmt.Errorf("record of %s: %w", dirName, err)
	}
	if len(rec.Meta) > 0 {
		rec.Meta, _ = compactJSON(rec.Meta) // record.json is indented for people; callers get it compact
	}
	if rec.ID != dirName {
		return nil, fmt.Errorf("record of %s names id %q: copied or renamed by hand", dirName, rec.ID)
	}
	return &rec, nil
}

// validate checks every field of a record for shape, never trusting what is on disk.
func (rec *Record) validate() error {
	if err := checkID(rec.ID); err != nil {
		return err
	}
	if err := checkName("worker", rec.Worker); err != nil {
		return err
	}
	if rec.Born.IsZero() {
		return fmt.Errorf("record %s has no birth time", rec.ID)
	}
	for name, fi := range rec.Files {
		if err := checkFileName(name); err != nil {
			return err
		}
		if fi.Size < 0 {
			return fmt.Errorf("record %s: file %s has negative size %d", rec.ID, name, fi.Size)
		}
		if b, err := hex.DecodeString(fi.SHA256); err != nil || len(b) != 32 || hex.EncodeToString(b) != fi.SHA256 {
			return fmt.Errorf("record %s: file %s has a malformed sha256 %q", rec.ID, name, fi.SHA256)
		}
	}
	if len(rec.Meta) > 0 && !json.Valid(rec.Meta) {
		return fmt.Errorf("record %s: meta is not valid JSON", rec.ID)
	}
	return nil
}

// checkFileName rejects file names that are not a plain name or that collide with the record.
func checkFileName(name string) error {
	if err := checkName("file", name); err != nil {
		return err
	}
	if name == recordFileName {
		return fmt.Errorf("%s is reserved for the record: %w", recordFileName, ErrBadName)
	}
	return nil
}
