package storage

import (
	"context"
	"testing"
	"time"
)

// TestWatchControl: a control.json written on this host wakes the watcher although its
// periodic fallback is an hour away.
func TestWatchControl(t *testing.T) {
	r := newTestRoot(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := r.WatchControl(ctx, time.Hour)
	publishTest(t, r, "w1", []byte("x"), 0)
	if err := r.WriteControl([]byte(`{"stop":true}`)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	case <-time.After(30 * time.Second): // hang guard: only fsnotify can deliver within the hour
		t.Fatal("no wake-up after control.json was written on this host")
	}
	cancel()
	for range ch {
	}
}
