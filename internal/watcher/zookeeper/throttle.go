package zookeeper

import "time"

// throttle is discovery_jitter: no two discoveries closer than every. The
// original slept the whole jitter in the ZooKeeper event thread whenever
// the previous discovery was more recent than that; here the next send
// waits only for the remainder, on a timer the event loop selects on, so
// events keep coalescing and cancellation stays prompt.
type throttle struct {
	every time.Duration // 0: no throttling
	now   func() time.Time
	last  time.Time // zero before the first discovery
	timer *time.Timer
	C     <-chan time.Time // fires when a held-back send may go; nil when none is
	// poke, when set, is called (on the timer's goroutine) instead of C
	// firing; fired must still be called after it, from the owner.
	poke    func()
	waiting bool
}

func newThrottle(every time.Duration) *throttle {
	return &throttle{every: every, now: time.Now}
}

// delay is how long a discovery at now must wait.
func (t *throttle) delay(now time.Time) time.Duration {
	if t.every <= 0 || t.last.IsZero() {
		return 0
	}
	if since := now.Sub(t.last); since < t.every {
		return t.every - since
	}
	return 0
}

// allow reports whether a send may happen now; if not, it arms C.
func (t *throttle) allow() bool {
	if t.waiting {
		return false
	}
	d := t.delay(t.now())
	if d <= 0 {
		return true
	}
	t.waiting = true
	if t.poke != nil {
		t.timer = time.AfterFunc(d, t.poke)
		return false
	}
	t.timer = time.NewTimer(d)
	t.C = t.timer.C
	return false
}

// fired must be called when C fires (or poke is called).
func (t *throttle) fired() { t.timer, t.C, t.waiting = nil, nil, false }

// sent records a discovery.
func (t *throttle) sent() { t.last = t.now() }

func (t *throttle) stop() {
	if t.timer != nil {
		t.timer.Stop()
	}
}
