package zk_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestMain(m *testing.M) { os.Exit(testutil.ZooKeeperMain(m)) }

const waitLong = 15 * time.Second

func connect(t *testing.T, servers []string, opts zk.Options) *zk.Conn {
	t.Helper()
	if opts.SessionTimeout == 0 {
		opts.SessionTimeout = 4 * time.Second
	}
	c, err := zk.Connect(context.Background(), servers, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// sessionLog records one subscriber's events.
type sessionLog struct {
	mu  sync.Mutex
	evs []zk.SessionEvent
}

func subscribe(t *testing.T, c *zk.Conn) *sessionLog {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	l := &sessionLog{}
	ch := c.Sessions(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range ch {
			l.mu.Lock()
			l.evs = append(l.evs, ev)
			l.mu.Unlock()
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return l
}

func (l *sessionLog) events() []zk.SessionEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]zk.SessionEvent(nil), l.evs...)
}

func (l *sessionLog) String() string {
	var parts []string
	for _, ev := range l.events() {
		s := fmt.Sprintf("%s(%x)", ev.State, ev.SessionID)
		if ev.Presumed {
			s += "[presumed]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func (l *sessionLog) states() []zk.SessionState {
	var out []zk.SessionState
	for _, ev := range l.events() {
		out = append(out, ev.State)
	}
	return out
}

// waitState waits until the log holds an event in state s and returns it.
func (l *sessionLog) waitState(t *testing.T, s zk.SessionState) zk.SessionEvent {
	t.Helper()
	var found zk.SessionEvent
	testutil.Eventually(t, waitLong, func() error {
		for _, ev := range l.events() {
			if ev.State == s {
				found = ev
				return nil
			}
		}
		return fmt.Errorf("no %s event; have %s", s, l)
	})
	return found
}

// watch runs a ChildrenWatcher until the test ends.
type watch struct {
	w    *zk.ChildrenWatcher
	last zk.Snapshot
	done chan error
}

func startWatch(t *testing.T, c zk.Client, path string, opts zk.WatchOptions) *watch {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &watch{w: zk.NewChildrenWatcher(c, path, opts), done: make(chan error, 1)}
	go func() { w.done <- w.w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-w.done; err != nil {
			t.Errorf("watcher Run: %v", err)
		}
	})
	return w
}

// await reads snapshots until cond accepts the latest one.
func (w *watch) await(t *testing.T, what string, cond func(zk.Snapshot) error) zk.Snapshot {
	t.Helper()
	deadline := time.After(waitLong)
	err := fmt.Errorf("no new snapshot; the last was %q (err %v)", render(w.last), w.last.Err)
	for {
		select {
		case s, ok := <-w.w.Updates():
			if !ok {
				t.Fatalf("%s: updates closed; last %v", what, err)
			}
			w.last = s
			if err = cond(s); err == nil {
				return s
			}
		case <-deadline:
			t.Fatalf("%s: not seen within %s: %v", what, waitLong, err)
		}
	}
}

// children builds a cond requiring exactly these children (name=data) and
// no error.
func children(want ...string) func(zk.Snapshot) error {
	return func(s zk.Snapshot) error {
		if s.Err != nil {
			return fmt.Errorf("snapshot error: %w", s.Err)
		}
		got := render(s)
		if got != strings.Join(want, " ") {
			return fmt.Errorf("children %q, want %q", got, strings.Join(want, " "))
		}
		return nil
	}
}

func render(s zk.Snapshot) string {
	var parts []string
	for _, n := range s.Names() {
		parts = append(parts, n+"="+string(s.Children[n]))
	}
	return strings.Join(parts, " ")
}

func mustCreate(t *testing.T, c zk.Client, path, data string) {
	t.Helper()
	if _, err := c.Create(path, []byte(data), 0, zk.OpenACL); err != nil {
		t.Fatalf("create %s: %v", path, err)
	}
}

// newRoot connects to the package's ZooKeeper and creates a znode of the
// test's own to work under.
func newRoot(t *testing.T) (*zk.Conn, string) {
	t.Helper()
	z := testutil.SharedZooKeeper(t)
	c := connect(t, z.Addrs(), zk.Options{})
	root := testutil.ZKPath(t)
	if err := c.EnsurePath(context.Background(), root); err != nil {
		t.Fatal(err)
	}
	return c, root
}
