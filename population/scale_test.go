package population

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// TestPaperScale runs the loop with a fake trainer on real storage: by default a population
// of 100 and 25 workers; with EVO_PAPER_SCALE=1 the paper's scale, 1,000 and 250 workers,
// thousands of tournaments (about a minute on an idle 2-core machine, far more on a loaded
// one); EVO_SCALE="P W N" picks any size.
func TestPaperScale(t *testing.T) {
	p, workers, individuals := 100, 25, 400
	if os.Getenv("EVO_PAPER_SCALE") != "" {
		p, workers, individuals = 1000, 250, 4000
	}
	if s := os.Getenv("EVO_SCALE"); s != "" {
		fmt.Sscan(s, &p, &workers, &individuals)
	}
	cfg := testConfig(p)
	cfg.MaxIndividuals = individuals
	cfg.HeartbeatInterval = 2 * time.Second
	cfg.StopCheckInterval = DefaultStopCheckInterval // heartbeats carry the totals between reads
	pr := newProbe(FromStorage(newRoot(t)), p-workers)
	tr := newFakeTrainer()
	start := time.Now()
	for i, err := range runWorkers(context.Background(), t, pr, tr, cfg, workers) {
		if err != nil {
			t.Errorf("worker %d: %v", i, err)
		}
	}
	b, kills := checkRun(t, pr, cfg, workers)
	h, err := ReadHistorySummary(pr)
	if err != nil {
		t.Fatal(err)
	}
	tournaments := 0
	for _, k := range kills {
		if k.Cause == CauseSelection {
			tournaments++
		}
	}
	lo, hi := pr.extremes()
	t.Logf("P=%d W=%d: %d individuals, %d tournaments, %d races, alive in [%d, %d], %s",
		p, workers, len(b), tournaments, h.Races, lo, hi, time.Since(start).Round(time.Millisecond))
	if len(b) < individuals {
		t.Errorf("%d individuals trained, want at least %d", len(b), individuals)
	}
	if tournaments < individuals-p-workers {
		t.Errorf("%d tournaments, want at least %d", tournaments, individuals-p-workers)
	}
}
