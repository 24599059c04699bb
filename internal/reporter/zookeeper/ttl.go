package zookeeper

import (
	"context"
	"math/rand/v2"
	"time"
)

// ttlTick is how often the refresher looks at the clock, as the original's
// thread does; a coarser tick would stretch the period by up to a tick.
const ttlTick = 500 * time.Millisecond

// refresher rewrites a persistent node's data every ttl (ttl_seconds) so
// its mtime shows it is alive: a persistent node outlives a crashed nerve,
// and an external cleaner can only tell stale nodes by that mtime.
type refresher struct {
	ttl    time.Duration
	touch  func(context.Context)
	now    func() time.Time
	cancel context.CancelFunc
	done   chan struct{}
}

func newRefresher(ttl time.Duration, touch func(context.Context)) *refresher {
	return &refresher{ttl: ttl, touch: touch, now: time.Now, done: make(chan struct{})}
}

func startRefresher(r *Reporter, ttl time.Duration) *refresher {
	t := newRefresher(ttl, r.touch)
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	// The first touch comes after a random part of the period, so services
	// started together (a daemon start) do not all write at once forever.
	go t.run(ctx, rand.N(ttl))
	return t
}

func (t *refresher) run(ctx context.Context, offset time.Duration) {
	defer close(t.done)
	last := t.now().Add(offset - t.ttl)
	tick := time.NewTicker(ttlTick)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			last = t.renewIfDue(ctx, last)
		}
	}
}

// renewIfDue touches the node when ttl has passed since last and returns
// the new last-touch time: the time the touch finished, whether or not it
// wrote anything, so a failing write is not retried every tick.
func (t *refresher) renewIfDue(ctx context.Context, last time.Time) time.Time {
	if t.now().Sub(last) < t.ttl {
		return last
	}
	t.touch(ctx)
	return t.now()
}

// stop ends the goroutine and waits for it; a touch in flight is abandoned.
func (t *refresher) stop() {
	t.cancel()
	<-t.done
}
