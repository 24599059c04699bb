// Package poll is what synapse's polling watchers share: the loop that runs
// their rounds every check_interval, and the outcome of the latest round,
// which Ping reports and from which a failure streak is logged once.
package poll

import (
	"context"
	"time"

	"github.com/smartstack-go/smartstack/internal/backoff"
)

// Loop runs a polling watcher's rounds until ctx ends: the first after
// Splay, each later one Interval after the start of the one before, or at
// once when that took longer (the original's "check_interval less the
// poll's time" sleep).
type Loop struct {
	Interval time.Duration
	// Splay delays the first round, so a fleet restarted together does not
	// poll in step; 0 polls at once.
	Splay time.Duration
	// Sleep waits d unless ctx ends first, then returning ctx's error; nil
	// means Sleep. Watchers keep it in a field so tests can drive the clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// Backoff, if set, can push the next round back.
	Backoff Backoff
}

// Backoff pushes rounds back, e.g. while the source throttles them.
type Backoff interface {
	// After is asked after every round, with its error (nil: it
	// succeeded), so it can also reset. It returns the wait before the next
	// round, or false for the interval's.
	After(err error) (time.Duration, bool)
}

// Run calls round until ctx ends; round returns the round's outcome, for
// Backoff. Run returns once ctx has ended.
func (l Loop) Run(ctx context.Context, round func(context.Context) error) {
	sleep := l.Sleep
	if sleep == nil {
		sleep = backoff.Sleep
	}
	for delay := l.Splay; sleep(ctx, delay) == nil; {
		start := time.Now()
		err := round(ctx)
		if ctx.Err() != nil {
			return
		}
		delay = NextDelay(l.Interval, time.Since(start))
		if l.Backoff == nil {
			continue
		}
		if d, ok := l.Backoff.After(err); ok {
			delay = d
		}
	}
}

// NextDelay is the wait after a round that took elapsed: interval less
// elapsed, never negative.
func NextDelay(interval, elapsed time.Duration) time.Duration {
	return max(interval-elapsed, 0)
}
