package zk_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// forModes runs f once per explicit watch mode.
func forModes(t *testing.T, f func(t *testing.T, mode zk.WatchMode)) {
	for _, m := range []zk.WatchMode{zk.WatchClassic, zk.WatchPersistent} {
		t.Run(string(m), func(t *testing.T) { f(t, m) })
	}
}

// sessionWatches polls until the server lists exactly want as the data-side
// watches of c's session (`wchc`; child watches are not listed).
func sessionWatches(t *testing.T, c *zk.Conn, want ...string) {
	t.Helper()
	z := testutil.SharedZooKeeper(t)
	slices.Sort(want)
	testutil.Eventually(t, waitLong, func() error {
		got, err := z.SessionWatches(0, c.SessionID())
		if err != nil {
			return err
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			return fmt.Errorf("session watches %q, want %q", got, want)
		}
		return nil
	})
}

// One recursive watch on the watched znode and nothing per child; events
// for grandchildren change nothing.
func TestPersistentModeHoldsOneWatch(t *testing.T) {
	for _, mode := range []zk.WatchMode{zk.WatchPersistent, zk.WatchAuto} {
		t.Run(string(mode), func(t *testing.T) {
			c, root := newRoot(t)
			mustCreate(t, c, root+"/a", "1")
			mustCreate(t, c, root+"/b", "2")
			w := startWatch(t, c, root, zk.WatchOptions{ParentData: true, Mode: mode})
			w.await(t, "initial", children("a=1", "b=2"))
			mustCreate(t, c, root+"/c", "3")
			w.await(t, "add c", children("a=1", "b=2", "c=3"))
			sessionWatches(t, c, root)

			// A grandchild's events must not touch the set: a later change
			// shows the snapshot still holds exactly the children.
			mustCreate(t, c, root+"/a/deeper", "x")
			if _, err := c.Set(root+"/a/deeper", []byte("y"), -1); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Set(root+"/b", []byte("22"), -1); err != nil {
				t.Fatal(err)
			}
			w.await(t, "b changed", children("a=1", "b=22", "c=3"))
			sessionWatches(t, c, root)
		})
	}
}

func TestClassicModeHoldsWatchPerChild(t *testing.T) {
	c, root := newRoot(t)
	mustCreate(t, c, root+"/a", "1")
	mustCreate(t, c, root+"/b", "2")
	w := startWatch(t, c, root, zk.WatchOptions{ParentData: true, Mode: zk.WatchClassic})
	w.await(t, "initial", children("a=1", "b=2"))
	sessionWatches(t, c, root, root+"/a", root+"/b")
}

// Changes made while the connection was down are caught by the re-read
// after the reconnect; the re-added watch keeps reporting.
func TestPersistentModeResyncsAfterReconnect(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	p := testutil.NewTCPProxy(t, z.Addr(0))
	c := connect(t, []string{p.Addr()}, zk.Options{})
	writer := connect(t, z.Addrs(), zk.Options{})
	l := subscribe(t, c)
	root := testutil.ZKPath(t)
	if err := writer.EnsurePath(context.Background(), root); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, writer, root+"/a", "1")
	w := startWatch(t, c, root, zk.WatchOptions{Mode: zk.WatchPersistent})
	w.await(t, "initial", children("a=1"))
	p.Block()
	l.waitState(t, zk.SessionDisconnected)
	mustCreate(t, writer, root+"/during", "2")
	if err := writer.Delete(root+"/a", -1); err != nil {
		t.Fatal(err)
	}
	p.Unblock()
	l.waitState(t, zk.SessionReconnected)
	w.await(t, "resynced", children("during=2"))
	mustCreate(t, writer, root+"/after", "3")
	w.await(t, "watch still there", children("after=3", "during=2"))
	sessionWatches(t, c, root)
}

func TestParseWatchMode(t *testing.T) {
	for _, s := range []string{"auto", "persistent", "classic"} {
		if m, err := zk.ParseWatchMode(s); err != nil || string(m) != s {
			t.Errorf("ParseWatchMode(%q) = %q, %v", s, m, err)
		}
	}
	for _, s := range []string{"", "Persistent", "recursive"} {
		if _, err := zk.ParseWatchMode(s); err == nil {
			t.Errorf("ParseWatchMode(%q) accepted", s)
		}
	}
}

// The last watcher of a path to stop removes the persistent watch; one
// that goes on keeps it.
func TestPersistentWatchRemovedWithLastWatcher(t *testing.T) {
	c, root := newRoot(t)
	mustCreate(t, c, root+"/a", "1")
	opts := zk.WatchOptions{Mode: zk.WatchPersistent}
	stay := startWatch(t, c, root, opts)
	stay.await(t, "stay initial", children("a=1"))
	ctx, cancel := context.WithCancel(context.Background())
	leave := zk.NewChildrenWatcher(c, root, opts)
	done := make(chan error, 1)
	go func() { done <- leave.Run(ctx) }()
	for s := range leave.Updates() {
		if render(s) == "a=1" {
			break
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mustCreate(t, c, root+"/b", "2")
	stay.await(t, "still watching", children("a=1", "b=2"))
	sessionWatches(t, c, root)

	other := root + "/a"
	ctx2, cancel2 := context.WithCancel(context.Background())
	last := zk.NewChildrenWatcher(c, other, opts)
	done2 := make(chan error, 1)
	go func() { done2 <- last.Run(ctx2) }()
	<-last.Updates()
	sessionWatches(t, c, root, other)
	cancel2()
	if err := <-done2; err != nil {
		t.Fatal(err)
	}
	sessionWatches(t, c, root)
}
