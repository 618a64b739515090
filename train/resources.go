package train

import "time"

// usage is a snapshot of the process's CPU time and peak resident set size.
type usage struct {
	cpu     time.Duration
	peakRSS int64 // bytes
}
