package storage

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Name shapes. An individual id is a UTC birth time with nanoseconds plus 48 random bits, so ids
// are unique across hosts and `ls population/` sorts by birth:
//
//	20260105T101530.123456789Z-0123456789ab
//
// Worker names and file names are one path component of letters, digits, '_', '-' and '.',
// starting with a letter or digit: no separators, no "..", no control characters.
const (
	idTimeLayout = "20060102T150405.000000000Z"
	idRandBytes  = 6
	maxNameLen   = 128
)

var (
	idPattern     = `\d{8}T\d{6}\.\d{9}Z-[0-9a-f]{12}`
	namePattern   = `[A-Za-z0-9][A-Za-z0-9_.-]{0,127}`
	idRE          = regexp.MustCompile(`^` + idPattern + `$`)
	nameRE        = regexp.MustCompile(`^` + namePattern + `$`)
	graveRE       = regexp.MustCompile(`^(` + idPattern + `)\.(\d{1,19})\.(` + namePattern + `)$`)
	stageRE       = regexp.MustCompile(`^(` + namePattern + `)\.(` + idPattern + `)$`)
	tempRE        = regexp.MustCompile(`^(` + namePattern + `)\.tmp-[0-9a-f]{16}$`)
	workerIDRE    = regexp.MustCompile(`^(.+)-(\d+)-[0-9a-f]{8}$`)
	hostCleanerRE = regexp.MustCompile(`[^A-Za-z0-9_.-]`)
)

// randomHex returns n random bytes as hex from crypto/rand. Ids need entropy that differs
// between hosts started from the same seed, so they deliberately do not use the experiment's
// seeded *rand.Rand (which drives the algorithm, not identity).
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails on supported systems (crypto/rand panics internally otherwise)
	return hex.EncodeToString(b)
}

// newID returns a fresh individual id born at t.
func newID(t time.Time) string {
	return t.UTC().Format(idTimeLayout) + "-" + randomHex(idRandBytes)
}

// IDTime returns the birth time encoded in an individual id.
func IDTime(id string) (time.Time, error) {
	if !idRE.MatchString(id) {
		return time.Time{}, fmt.Errorf("storage: %q is not an individual id: %w", id, ErrBadName)
	}
	return time.Parse(idTimeLayout, id[:len(idTimeLayout)])
}

// ValidID reports whether s has the shape of an individual id.
func ValidID(s string) bool { return idRE.MatchString(s) }

// checkName returns an error naming what is wrong with a worker or file name.
func checkName(kind, s string) error {
	if nameRE.MatchString(s) {
		return nil
	}
	return fmt.Errorf("%s name %q must be 1-%d characters of letters, digits, '_', '-', '.', "+
		"starting with a letter or digit (no path separators, \"..\" or control characters): %w",
		kind, s, maxNameLen, ErrBadName)
}

// checkID returns an error if s is not an individual id.
func checkID(s string) error {
	if idRE.MatchString(s) {
		return nil
	}
	return fmt.Errorf("%q is not an individual id (want e.g. 20260105T101530.123456789Z-0123456789ab): %w", s, ErrBadName)
}

// localHost is this machine's host name cleaned to the name alphabet.
func localHost() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		h = "host"
	}
	h = hostCleanerRE.ReplaceAllString(h, "_")
	h = strings.TrimLeft(h, "_.-")
	if h == "" {
		h = "host"
	}
	if len(h) > 64 {
		h = h[:64]
	}
	return h
}

// NewWorkerID returns a worker name unique across hosts and safe in file names:
// host-pid-random. The garbage collector reads the host and pid back to decide whether a worker
// that left files behind is dead (see workerHostPID).
func NewWorkerID() string {
	return fmt.Sprintf("%s-%d-%s", localHost(), os.Getpid(), randomHex(4))
}

// workerHostPID parses a name made by NewWorkerID. ok is false for other names.
func workerHostPID(worker string) (host string, pid int, ok bool) {
	m := workerIDRE.FindStringSubmatch(worker)
	if m == nil {
		return "", 0, false
	}
	pid, err := strconv.Atoi(m[2])
	if err != nil {
		return "", 0, false
	}
	return m[1], pid, true
}

// graveName is the graveyard name of id killed at t by killer.
func graveName(id string, t time.Time, killer string) string {
	return fmt.Sprintf("%s.%d.%s", id, t.UnixNano(), killer)
}

// parseGrave splits a graveyard name into id, time of death and killer.
func parseGrave(name string) (id string, died time.Time, killer string, ok bool) {
	m := graveRE.FindStringSubmatch(name)
	if m == nil {
		return "", time.Time{}, "", false
	}
	ns, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil {
		return "", time.Time{}, "", false
	}
	return m[1], time.Unix(0, ns), m[3], true
}

// parseStaging returns the owning worker of a staging entry (a stage directory
// <worker>.<id> or a temporary file <worker>.tmp-<hex>), and the id for stage directories.
func parseStaging(name string) (worker, id string, ok bool) {
	if m := stageRE.FindStringSubmatch(name); m != nil {
		return m[1], m[2], true
	}
	if m := tempRE.FindStringSubmatch(name); m != nil {
		return m[1], "", true
	}
	return "", "", false
}
