package population

import (
	"os"
	"runtime/metrics"
)

// liveHeapMetric is the Go runtime's live heap after the last GC: the memory a leak grows.
const liveHeapMetric = "/gc/heap/live:bytes"

// liveHeapBytes returns the live heap after the last garbage collection (0 before the first
// one, or if unsupported).
func liveHeapBytes() int64 {
	s := []metrics.Sample{{Name: liveHeapMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

// hostName is the machine's host name for heartbeats ("?" if unknown).
func hostName() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "?"
	}
	return h
}
