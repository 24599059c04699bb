// Package supervise keeps a piece of work running for as long as its
// context: nerve's service workers, synapse's watchers and multi's child
// watchers each run under Run, which starts the work again after a
// backoff whenever it stops early, so a crash loop neither spins nor ends
// the daemon.
package supervise

import (
	"context"
	"time"

	"github.com/smartstack-go/smartstack/internal/backoff"
)

// Policy bounds the delay before each restart: Min doubling to Max, and
// back to Min after a life that was healthy or lasted ResetAfter (0:
// only healthy lives reset it).
type Policy struct {
	Min, Max, ResetAfter time.Duration
}

// Life is one run of the supervised work. It returns once ctx has ended or
// the work has stopped; healthy tells that it did useful work before
// stopping, so its end is not part of a crash loop. A life recovers its own
// panics: what a panic leaves behind is the work's to clean up.
type Life func(ctx context.Context) (healthy bool, err error)

// Run runs life until ctx ends, starting it again after each early return.
// Before each wait it calls failed, if not nil, with what life returned and
// the delay before the next life. Run returns once ctx has ended and the
// last life has returned.
func Run(ctx context.Context, p Policy, life Life, failed func(err error, restartIn time.Duration)) {
	delay := backoff.Doubling{Min: p.Min, Max: p.Max}
	for {
		started := time.Now()
		healthy, err := life(ctx)
		if ctx.Err() != nil {
			return
		}
		if healthy || (p.ResetAfter > 0 && time.Since(started) > p.ResetAfter) {
			delay.Reset()
		}
		d := delay.Next()
		if failed != nil {
			failed(err, d)
		}
		if backoff.Sleep(ctx, d) != nil {
			return
		}
	}
}
