package zk_test

import (
	"context"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// Two watchers of one path on one Conn share the library's data watch list
// of each child; the router must still wake both, again and again (each
// re-arms after every event), and a nested watcher must not disturb them.
func TestWatchersShareRoutedChildEvents(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	c := connect(t, z.Addrs(), zk.Options{})
	root := testutil.ZKPath(t)
	if err := c.EnsurePath(context.Background(), root+"/a"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Set(root+"/a", []byte("0"), -1); err != nil {
		t.Fatal(err)
	}
	w1 := startWatch(t, c, root, zk.WatchOptions{})
	w2 := startWatch(t, c, root, zk.WatchOptions{})
	nested := startWatch(t, c, root+"/a", zk.WatchOptions{ParentData: true})
	w1.await(t, "w1 initial", children("a=0"))
	w2.await(t, "w2 initial", children("a=0"))
	nested.await(t, "nested initial", children())
	for _, v := range []string{"1", "2", "3"} {
		if _, err := c.Set(root+"/a", []byte(v), -1); err != nil {
			t.Fatal(err)
		}
		w1.await(t, "w1 sees "+v, children("a="+v))
		w2.await(t, "w2 sees "+v, children("a="+v))
	}
	mustCreate(t, c, root+"/a/x", "n")
	nested.await(t, "nested child", children("x=n"))
	if _, err := c.Set(root+"/a", []byte("4"), -1); err != nil {
		t.Fatal(err)
	}
	w1.await(t, "w1 after nested", children("a=4"))
}

// Routed data watches work on after a reconnect: re-sent by the library
// in classic mode, covered by the re-added recursive watch in persistent.
func TestRoutedDataWatchSurvivesReconnect(t *testing.T) {
	forModes(t, func(t *testing.T, mode zk.WatchMode) {
		z := testutil.SharedZooKeeper(t)
		p := testutil.NewTCPProxy(t, z.Addr(0))
		c := connect(t, []string{p.Addr()}, zk.Options{SessionTimeout: 4 * time.Second})
		writer := connect(t, z.Addrs(), zk.Options{})
		l := subscribe(t, c)
		root := testutil.ZKPath(t)
		if err := writer.EnsurePath(context.Background(), root); err != nil {
			t.Fatal(err)
		}
		mustCreate(t, writer, root+"/a", "1")
		w := startWatch(t, c, root, zk.WatchOptions{Mode: mode})
		w.await(t, "initial", children("a=1"))

		sid := c.SessionID()
		p.Block()
		l.waitState(t, zk.SessionDisconnected)
		p.Unblock()
		if ev := l.waitState(t, zk.SessionReconnected); ev.SessionID != sid {
			t.Fatalf("reconnected as %x, want the same session %x", ev.SessionID, sid)
		}
		for _, v := range []string{"2", "3"} {
			if _, err := writer.Set(root+"/a", []byte(v), -1); err != nil {
				t.Fatal(err)
			}
			w.await(t, "a="+v+" after the reconnect", children("a="+v))
		}
	})
}

// A deleted child leaves the snapshot as soon as its data watch reports
// the deletion, without waiting for the re-listing (held here until the
// snapshot is seen); the watcher carries on normally afterwards.
func TestDeletionDeliveredBeforeRelisting(t *testing.T) {
	forModes(t, func(t *testing.T, mode zk.WatchMode) {
		c, root := newRoot(t)
		mustCreate(t, c, root+"/a", "1")
		mustCreate(t, c, root+"/b", "2")
		h := zk.NewHeldListing(c)
		w := startWatch(t, h, root, zk.WatchOptions{Mode: mode})
		w.await(t, "initial", children("a=1", "b=2"))
		release := h.Hold()
		t.Cleanup(release) // runs first: the watcher's Run may wait in a listing
		if err := c.Delete(root+"/b", -1); err != nil {
			t.Fatal(err)
		}
		w.await(t, "deletion while the listing is held", children("a=1"))
		release()
		mustCreate(t, c, root+"/c", "3")
		w.await(t, "a later creation", children("a=1", "c=3"))
	})
}
