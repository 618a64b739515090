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
	runClean(t, s, newFakeTrainer(), cfg, 1)
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

// TestCollect: a dry run removes nothing and writes no index; a real pass writes the index,
// and reindex rewrites it even when it is recent.
func TestCollect(t *testing.T) {
	cfg := testConfig(4)
	cfg.MaxIndividuals = 8
	root := newRoot(t)
	defer root.Close()
	runClean(t, FromStorage(root), newFakeTrainer(), cfg, 1)
	ctx := context.Background()
	dry, err := Collect(ctx, root, storage.GCOptions{Grace: storage.NoGrace, DryRun: true}, true, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(dry.Plan.Items) == 0 || dry.Result.Removed != 0 || dry.Index.Written {
		t.Errorf("dry run: %d planned, %d removed, index written %v; want a plan, nothing removed, no index",
			len(dry.Plan.Items), dry.Result.Removed, dry.Index.Written)
	}
	c, err := Collect(ctx, root, storage.GCOptions{Grace: storage.NoGrace}, false, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if c.Result.Removed != len(dry.Plan.Items) || !c.Index.Written {
		t.Errorf("pass: removed %d of %d planned, index written %v", c.Result.Removed, len(dry.Plan.Items), c.Index.Written)
	}
	if again, err := Collect(ctx, root, storage.GCOptions{}, false, time.Now()); err != nil || again.Index.Written {
		t.Errorf("a pass right after: index written %v (%v); want it left alone", again.Index.Written, err)
	}
	if again, err := Collect(ctx, root, storage.GCOptions{}, true, time.Now()); err != nil || !again.Index.Written {
		t.Errorf("reindex: index written %v (%v); want it rewritten", again.Index.Written, err)
	}
}
