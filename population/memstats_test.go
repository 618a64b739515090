package population

import (
	"runtime"
	"testing"
)

func TestHeartbeatCarriesMemory(t *testing.T) {
	runtime.GC() // the live heap is measured at the end of a GC: make sure one has run
	cfg := testConfig(4)
	cfg.MaxIndividuals = 6
	s := FromStorage(newRoot(t))
	runClean(t, s, newFakeTrainer(), cfg, 2)
	hbs, err := s.Heartbeats()
	if err != nil || len(hbs) != 2 {
		t.Fatalf("%d heartbeats, err %v", len(hbs), err)
	}
	for _, h := range hbs {
		ws, ok := ParseHeartbeat(h)
		if !ok {
			t.Fatalf("heartbeat of %s does not parse", h.Worker)
		}
		if ws.Host == "" {
			t.Errorf("%s: no host", ws.Worker)
		}
		if ws.HeapLiveBytes <= 0 {
			t.Errorf("%s: heap_live_bytes %d", ws.Worker, ws.HeapLiveBytes)
		}
		if runtime.GOOS == "linux" && ws.RSSBytes < ws.HeapLiveBytes {
			t.Errorf("%s: rss_bytes %d below the live heap %d", ws.Worker, ws.RSSBytes, ws.HeapLiveBytes)
		}
	}
}
