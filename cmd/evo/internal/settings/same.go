package settings

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// SameEvolution reports whether c and other describe the same evolution: every setting equal
// once encoded, except where the data lives (DataDir), which is not a setting of the evolution.
func (c *Config) SameEvolution(other *Config) (bool, error) {
	a := *c
	a.DataDir = other.DataDir
	x, errX := a.Encode()
	y, errY := other.Encode()
	if err := errors.Join(errX, errY); err != nil {
		return false, fmt.Errorf("compare settings: %w", err)
	}
	return bytes.Equal(x, y), nil
}

// RecordDataDir records dir (`evo init --data`) in c as an absolute path, which must be an
// existing directory.
func (c *Config) RecordDataDir(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("--data %s: %w", dir, err)
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return fmt.Errorf("--data %s is not a directory: stage the data set first with `evo data --data %s --dataset %s`", abs, abs, c.Dataset)
	}
	c.DataDir = abs
	return nil
}
