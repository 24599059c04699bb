package zk_test

import (
	"context"
	"fmt"
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
