package marathon

import (
	"context"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
)

// fakeClock is a sleep a test drives: each sleep is announced on asked
// and lasts until the test sends on wake.
type fakeClock struct {
	asked chan time.Duration
	wake  chan struct{}
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	select {
	case c.asked <- d:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-c.wake:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *fakeClock) next(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-c.asked:
		return d
	case <-time.After(watchertest.WaitLong):
		t.Fatal("the watcher did not sleep")
		return 0
	}
}

// The first poll waits the random splay drawn in
// [0, check_interval); later polls wait check_interval less the poll's
// time.
func TestFirstPollAfterSplay(t *testing.T) {
	f := newFakeMarathon(t, watchertest.Testdata(t, "tasks.json"))
	cfg := testConfig(f.URL)
	cfg.CheckInterval = config.Duration(10 * time.Second)
	mw := watchertest.New[*Watcher](t, Method, cfg, watcher.Options{})
	var drawnFor time.Duration
	mw.splay = func(d time.Duration) time.Duration { drawnFor = d; return 7 * time.Second }
	clock := &fakeClock{asked: make(chan time.Duration), wake: make(chan struct{})}
	mw.sleep = clock.sleep
	r := watchertest.Run(t, mw)

	if d := clock.next(t); d != 7*time.Second || drawnFor != 10*time.Second {
		t.Fatalf("first sleep %s (splay drawn for %s), want the splay 7s drawn for check_interval 10s", d, drawnFor)
	}
	if n := len(f.Requests()); n != 0 {
		t.Fatalf("%d polls before the splay ended, want 0", n)
	}
	clock.wake <- struct{}{}
	r.Await(t, "first poll", func(s watcher.Snapshot) error { return s.Err })
	if d := clock.next(t); d <= 9*time.Second || d > 10*time.Second {
		t.Fatalf("second sleep %s, want check_interval less the poll's time", d)
	}
	if n := len(f.Requests()); n != 1 {
		t.Fatalf("%d polls after the splay, want 1", n)
	}
}
