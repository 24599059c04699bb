package zk_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// scripted feeds the watcher session events chosen by the test and counts
// its children listings.
type scripted struct {
	zk.Client
	sessions chan zk.SessionEvent
	lists    atomic.Int32
}

func (s *scripted) Sessions(context.Context) <-chan zk.SessionEvent { return s.sessions }

func (s *scripted) ChildrenW(path string) ([]string, *zk.Stat, <-chan zk.Event, error) {
	s.lists.Add(1)
	return s.Client.ChildrenW(path)
}

func (s *scripted) Children(path string) ([]string, *zk.Stat, error) {
	s.lists.Add(1)
	return s.Client.Children(path)
}

func TestWatcherResyncJitter(t *testing.T) {
	c, root := newRoot(t)
	mustCreate(t, c, root+"/a", "1")
	now := &scripted{Client: c, sessions: make(chan zk.SessionEvent, 1)}
	later := &scripted{Client: c, sessions: make(chan zk.SessionEvent, 1)}
	wNow := startWatch(t, now, root, zk.WatchOptions{})
	wLater := startWatch(t, later, root, zk.WatchOptions{ResyncJitter: time.Hour})
	wNow.await(t, "initial", children("a=1"))
	wLater.await(t, "initial", children("a=1"))
	before := later.lists.Load()

	// Both hear of a reconnect: without jitter the re-read is immediate,
	// with an hour of jitter it is still pending once the other is done.
	ev := zk.SessionEvent{State: zk.SessionReconnected}
	later.sessions <- ev
	listed := now.lists.Load()
	now.sessions <- ev
	testutil.Eventually(t, waitLong, func() error {
		if now.lists.Load() == listed {
			return fmt.Errorf("no re-read after a reconnect without jitter")
		}
		return nil
	})
	if got := later.lists.Load(); got != before {
		t.Fatalf("re-read %d times right after a reconnect despite the jitter", got-before)
	}
}

// resyncClock records when the watcher lists without arming a watch: in
// classic mode with its child watch armed, that is a periodic resync.
type resyncClock struct {
	zk.Client
	mu    sync.Mutex
	times []time.Time
}

func (r *resyncClock) Children(path string) ([]string, *zk.Stat, error) {
	r.mu.Lock()
	r.times = append(r.times, time.Now())
	r.mu.Unlock()
	return r.Client.Children(path)
}

func (r *resyncClock) first() (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.times) == 0 {
		return time.Time{}, false
	}
	return r.times[0], true
}

// Watchers started together resync at random phases, not together: their
// first periodic re-reads spread over the interval.
func TestWatcherResyncPhaseIsRandom(t *testing.T) {
	const n, every = 20, time.Second
	c, root := newRoot(t)
	mustCreate(t, c, root+"/a", "1")
	clocks := make([]*resyncClock, n)
	start := time.Now()
	for i := range clocks {
		clocks[i] = &resyncClock{Client: c}
		startWatch(t, clocks[i], root, zk.WatchOptions{Mode: zk.WatchClassic, ResyncInterval: every})
	}
	var firsts []time.Duration
	testutil.Eventually(t, waitLong, func() error {
		firsts = firsts[:0]
		for i, r := range clocks {
			at, ok := r.first()
			if !ok {
				return fmt.Errorf("watcher %d has not resynced yet", i)
			}
			firsts = append(firsts, at.Sub(start))
		}
		return nil
	})
	lo, hi := slices.Min(firsts), slices.Max(firsts)
	t.Logf("first resyncs between %v and %v after start", lo, hi)
	if lo < every/2 {
		t.Errorf("a first resync %v after start, want at least half the interval %v", lo, every/2)
	}
	// 20 phases uniform over one interval span less than 40 % of it with
	// a probability below 1e-6; a ticker started with Run spans nearly 0.
	if hi-lo < every*4/10 {
		t.Errorf("first resyncs span %v, want the phases spread over the %v interval", hi-lo, every)
	}
}
