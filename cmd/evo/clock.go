package main

import (
	"fmt"
	"os"
	"time"
)

// clockOffset reads EVO_CLOCK_OFFSET, a Go duration ("-5m", "90s") added to every time this
// process writes into the experiment (ids, grave names, heartbeats). It simulates a host whose
// clock is wrong, for tests and the multi-host test bed; unset means 0.
func clockOffset() (time.Duration, error) {
	v := os.Getenv("EVO_CLOCK_OFFSET")
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("EVO_CLOCK_OFFSET=%q is not a duration (want e.g. -5m or 90s): %w", v, err)
	}
	return d, nil
}
