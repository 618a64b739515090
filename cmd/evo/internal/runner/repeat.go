package runner

import (
	"context"
	"time"
)

// Repeat calls pass, then again every interval until ctx ends. A failed pass does not end it:
// onErr hears of it (unless ctx ended meanwhile) and the next pass retries.
func Repeat(ctx context.Context, every time.Duration, pass func() error, onErr func(error)) {
	for {
		if err := pass(); err != nil && ctx.Err() == nil {
			onErr(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// Refresh calls show, then again after each change wake reports, at most once a second
// (changes come with every birth and kill) unless every, the interval of wake, is shorter,
// until wake closes or ctx ends. An error of show ends it.
func Refresh(ctx context.Context, wake <-chan struct{}, every time.Duration, show func() error) error {
	for {
		shown := time.Now()
		if err := show(); err != nil {
			return err
		}
		if _, ok := <-wake; !ok {
			return nil
		}
		if d := time.Second - time.Since(shown); d > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(min(d, every)):
			}
		}
	}
}
