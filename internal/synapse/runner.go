package synapse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/smartstack-go/smartstack/internal/supervise"
	"github.com/smartstack-go/smartstack/internal/synapse/admin"
	"github.com/smartstack-go/smartstack/internal/watcher"
)

// runner owns one service's watcher goroutine. A watcher whose Run returns
// while the daemon is running (with an error, or without one, which the
// contract does not allow) is rebuilt and run again after a backoff: the
// original exited the process instead, and a fleet restarting at once is
// what overloaded ZooKeeper (airbnb/synapse#299).
type runner struct {
	service, method string
	build           func() (watcher.Watcher, error)
	log             *slog.Logger
	backoff         supervise.Policy // min doubling to max, back to min after a minute-long run
	onRestart       func()

	cancel context.CancelFunc
	done   chan struct{}

	mu       sync.Mutex
	health   WatcherHealth
	first    watcher.Watcher // built before start, so a bad config fails the reload
	cur      watcher.Watcher // the running one, nil between lives
	started  time.Time       // when start ran
	lastGood time.Time       // the last good snapshot or successful ping
}

// WatcherHealth is what /status shows of a watcher.
type WatcherHealth = admin.WatcherHealth

func (r *runner) start(ctx context.Context, out chan<- watcher.Snapshot) {
	ctx, r.cancel = context.WithCancel(ctx)
	r.done = make(chan struct{})
	r.mu.Lock()
	r.started = time.Now()
	r.mu.Unlock()
	go r.loop(ctx, out)
}

// stop cancels the watcher; wait blocks until it has returned. Stopping
// many watchers cancels them all before waiting for any, so a shutdown is
// as slow as the slowest watcher, not their sum (airbnb/synapse#329).
func (r *runner) stop() { r.cancel() }
func (r *runner) wait() { <-r.done }

func (r *runner) loop(ctx context.Context, out chan<- watcher.Snapshot) {
	defer close(r.done)
	supervise.Run(ctx, r.backoff, func(ctx context.Context) (bool, error) {
		err := r.runOnce(ctx, out)
		if err == nil {
			err = errors.New("watcher stopped without an error")
		}
		return false, err
	}, func(err error, restartIn time.Duration) {
		r.setFailed(err)
		r.onRestart()
		r.log.Error("watcher failed; restarting", "err", err, "in_seconds", restartIn.Seconds())
	})
}

func (r *runner) runOnce(ctx context.Context, out chan<- watcher.Snapshot) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("watcher panicked: %v\n%s", p, debug.Stack())
		}
	}()
	r.mu.Lock()
	w := r.first
	r.first = nil
	r.mu.Unlock()
	if w == nil {
		if w, err = r.build(); err != nil {
			return fmt.Errorf("rebuild watcher: %w", err)
		}
	}
	r.setRunning(w)
	return w.Run(ctx, out)
}

func (r *runner) setRunning(w watcher.Watcher) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.health.Running = true
	r.cur = w
}

func (r *runner) setFailed(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cur = nil
	r.health.Running = false
	r.health.Restarts++
	r.health.LastError = err.Error()
}

// noteSnapshot is called by the state owner for each snapshot received.
func (r *runner) noteSnapshot(now time.Time, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.health.Snapshots++
	r.health.LastSnapshot = now
	if err != nil {
		r.health.LastError = err.Error()
		return
	}
	r.health.Discovered = true
	r.lastGood = now
}

// discoveryAge is how long ago the service's discovery was last known
// good: a good snapshot, or, once discovered, a watcher that answers its
// Ping now (a watch-based source sends nothing while nothing changes, and
// a live session means its data is current). Never discovered counts from
// the watcher's start, so a service that never resolves shows a growing age.
func (r *runner) discoveryAge(ctx context.Context, now time.Time) time.Duration {
	r.mu.Lock()
	w, good, since := r.cur, r.health.Discovered, r.lastGood
	if since.IsZero() {
		since = r.started
	}
	r.mu.Unlock()
	if p, ok := w.(watcher.Pinger); ok && good && p.Ping(ctx) == nil {
		r.mu.Lock()
		r.lastGood = now
		r.mu.Unlock()
		return 0
	}
	return max(now.Sub(since), 0)
}

func (r *runner) healthNow() WatcherHealth {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.health
}
