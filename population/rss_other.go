//go:build !linux

package population

// residentBytes is 0 (unknown) where the current resident set size has no cheap source;
// heartbeats then carry only the live heap.
func residentBytes() int64 { return 0 }
