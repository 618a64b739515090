package storage

import (
	"os"
	"path/filepath"
)

// HostName is this machine's host name cleaned to the name alphabet (see ValidName), at most
// 64 characters: what worker names made by NewWorkerID start with, for callers that build
// worker names of their own.
func HostName() string { return localHost() }

// IsExperiment reports whether dir holds an experiment (its experiment.json exists), without
// opening it.
func IsExperiment(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, fileConfig))
	return err == nil
}
