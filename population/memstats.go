package population

import "runtime/metrics"

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
