package storage

import (
	"context"
	"errors"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watch returns a channel that receives a value whenever the population may have changed: at
// least every `every` (the periodic listing is the truth: fsnotify sees nothing done by other
// NFS clients), and earlier when fsnotify reports a change in population/ or control.json made
// on this host. Wake-ups are coalesced (the channel has room for one). The channel is closed
// when ctx ends. every <= 0 means one second.
func (r *Root) Watch(ctx context.Context, every time.Duration) <-chan struct{} {
	return r.watch(ctx, every, []string{r.path(dirPopulation), r.dir}, nil)
}

// WatchControl is Watch for control.json alone: it wakes at least every `every`, and at once
// when control.json is replaced on this host (fsnotify; another NFS client's change is seen at
// the next periodic wake-up only). Changes to the population do not wake it.
func (r *Root) WatchControl(ctx context.Context, every time.Duration) <-chan struct{} {
	return r.watch(ctx, every, []string{r.dir}, func(ev fsnotify.Event) bool {
		return filepath.Base(ev.Name) == fileControl
	})
}

// watch wakes the returned channel every `every` and on each fsnotify event in dirs that
// keep accepts (all events when keep is nil).
func (r *Root) watch(ctx context.Context, every time.Duration, dirs []string, keep func(fsnotify.Event) bool) <-chan struct{} {
	if every <= 0 {
		every = time.Second
	}
	out := make(chan struct{}, 1)
	wake := func() {
		select {
		case out <- struct{}{}:
		default:
		}
	}
	var events <-chan fsnotify.Event
	var errs <-chan error
	w, err := fsnotify.NewWatcher()
	if err == nil {
		for _, p := range dirs {
			if aerr := w.Add(p); aerr != nil {
				r.log.Info("storage: fsnotify unavailable here; periodic listing only", "dir", p, "err", aerr)
			}
		}
		events, errs = w.Events, w.Errors
	} else {
		r.log.Info("storage: fsnotify unavailable; periodic listing only", "err", err)
	}
	go func() {
		defer close(out)
		if w != nil {
			defer w.Close()
		}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				wake()
			case ev, ok := <-events:
				if !ok {
					events = nil
					continue
				}
				if keep == nil || keep(ev) {
					wake()
				}
			case err, ok := <-errs:
				if !ok {
					errs = nil
					continue
				}
				r.log.Info("storage: fsnotify error; periodic listing continues", "err", err)
			}
		}
	}()
	return out
}

// Close releases what the Root holds open (its GC log and collector lock). The Root must not be
// used afterwards.
func (r *Root) Close() error {
	r.gcMu.Lock()
	defer r.gcMu.Unlock()
	relErr := r.releaseCollector()
	if r.gcLog == nil {
		return relErr
	}
	err := r.gcLog.Close()
	r.gcLog = nil
	return errors.Join(err, relErr)
}
