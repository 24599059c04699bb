package zookeeper

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/zk"
)

// feed turns the children watcher's snapshots into Snapshots and sends
// them, at most one per discovery_jitter, in the children watcher's own
// goroutine (zk.Consumer): a goroutine per service between the two would
// cost its stack at every one of synapse's services. A send blocks on a
// slow consumer; the watch events that arrive meanwhile queue in the
// children watcher and are read after it, together.
type feed struct {
	ctx context.Context
	w   *Watcher
	out chan<- watcher.Snapshot
	st  *state
	th  *throttle
	// wake is signalled when the throttle's wait is over (throttled) or
	// the config watcher left a snapshot (cfg), both from other
	// goroutines.
	wake      chan struct{}
	throttled atomic.Bool
	mu        sync.Mutex
	cfg       *zk.Snapshot // the config watcher's latest, not yet applied
	dirty     bool
	// missing creates the service znode; Take calls it once, when the
	// first listing finds the znode has never existed.
	missing func()
	ensured bool
}

func (w *Watcher) newFeed(ctx context.Context, out chan<- watcher.Snapshot) *feed {
	dec := w.newDecoder()
	dec.released = true
	f := &feed{
		ctx: ctx, w: w, out: out, wake: make(chan struct{}, 1),
		st: newState(dec, w.log, w.cfg.configPath() == w.cfg.parent()),
		th: newThrottle(w.cfg.jitter()),
	}
	f.th.poke = func() {
		f.throttled.Store(true)
		f.signal()
	}
	return f
}

func (f *feed) signal() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

func (f *feed) stop() { f.th.stop() }

// Take is a children snapshot.
func (f *feed) Take(s zk.Snapshot) {
	if s.Err == nil && !s.Exists && !f.st.existed && !f.ensured && f.missing != nil {
		f.ensured = true
		f.missing()
	}
	f.st.children(s)
	f.dirty = true
	f.flush()
}

func (f *feed) Wake() <-chan struct{} { return f.wake }

// Woken applies what the other goroutines left, then sends if due.
func (f *feed) Woken() {
	if f.throttled.Swap(false) {
		f.th.fired()
	}
	f.mu.Lock()
	cfg := f.cfg
	f.cfg = nil
	f.mu.Unlock()
	if cfg != nil {
		f.dirty = f.st.config(*cfg) || f.dirty
	}
	f.flush()
}

// flush sends the Snapshot if something changed and the throttle allows.
func (f *feed) flush() {
	if !f.dirty || !f.th.allow() {
		return
	}
	snap, ok := f.st.snapshot()
	if !ok {
		return // config arrived before the first children read
	}
	if err := f.w.send(f.ctx, f.out, snap); err != nil {
		return // ctx ended; the children watcher returns next
	}
	f.th.sent()
	f.dirty = false
}

// configFeed is the separate config znode's watcher's consumer: it runs in
// that watcher's goroutine, so it leaves the latest snapshot (latest wins)
// for the feed to apply in its own.
type configFeed struct{ f *feed }

func (c configFeed) Take(s zk.Snapshot) {
	c.f.mu.Lock()
	c.f.cfg = &s
	c.f.mu.Unlock()
	c.f.signal()
}

func (configFeed) Wake() <-chan struct{} { return nil }
func (configFeed) Woken()                {}
