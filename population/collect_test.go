package population

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"evo/storage"
)

// TestCollectLoop: a pass of the loop writes the history index, and the loop ends
// with its context.
func TestCollectLoop(t *testing.T) {
	cfg := testConfig(4)
	cfg.MaxIndividuals = 8
	root := newRoot(t)
	defer root.Close()
	s := FromStorage(root)
	for _, err := range runWorkers(context.Background(), t, s, newFakeTrainer(), cfg, 1) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if f, err := root.OpenHistoryIndex(); err == nil {
		f.Close()
		t.Fatal("the run wrote an index already: the test proves nothing")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		CollectLoop(ctx, root, 10*time.Millisecond, storage.GCOptions{}, slog.New(slog.DiscardHandler))
		close(done)
	}()
	deadline := time.Now().Add(time.Minute) // a hang guard
	for {
		f, err := root.OpenHistoryIndex()
		if err == nil {
			f.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("CollectLoop wrote no history index")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if ids, err := root.List(); err != nil || len(ids) == 0 {
		t.Errorf("the collector removed alive individuals: %v %v", ids, err)
	}
}
