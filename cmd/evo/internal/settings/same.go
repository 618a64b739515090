package settings

import (
	"bytes"
	"errors"
	"fmt"
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
