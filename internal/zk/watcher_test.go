package zk_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestWatcherFollowsChildrenAndParentData(t *testing.T) {
	forModes(t, func(t *testing.T, mode zk.WatchMode) {
		c, root := newRoot(t)
		w := startWatch(t, c, root, zk.WatchOptions{ParentData: true, Mode: mode})
		if s := w.await(t, "initial", children()); !s.Exists || s.Path != root {
			t.Fatalf("initial snapshot %+v, want the existing empty node", s)
		}

		mustCreate(t, c, root+"/a", "1")
		w.await(t, "add a", children("a=1"))
		if _, err := c.Set(root+"/a", []byte("2"), -1); err != nil {
			t.Fatal(err)
		}
		w.await(t, "a changed", children("a=2"))
		mustCreate(t, c, root+"/b", "x")
		w.await(t, "add b", children("a=2", "b=x"))
		if _, err := c.Set(root, []byte(`{"haproxy":{}}`), -1); err != nil {
			t.Fatal(err)
		}
		w.await(t, "parent data", func(s zk.Snapshot) error {
			if string(s.ParentData) != `{"haproxy":{}}` {
				return fmt.Errorf("parent data %q", s.ParentData)
			}
			return children("a=2", "b=x")(s)
		})
		if err := c.Delete(root+"/a", -1); err != nil {
			t.Fatal(err)
		}
		w.await(t, "remove a", children("b=x"))
		if _, err := c.Set(root+"/b", []byte("y"), -1); err != nil {
			t.Fatal(err)
		}
		w.await(t, "b changed (watch re-armed)", children("b=y"))
	})
}

func TestWatcherMissingPath(t *testing.T) {
	forModes(t, func(t *testing.T, mode zk.WatchMode) {
		z := testutil.SharedZooKeeper(t)
		c := connect(t, z.Addrs(), zk.Options{})
		root := testutil.ZKPath(t) + "/svc"
		w := startWatch(t, c, root, zk.WatchOptions{ParentData: true, Mode: mode})
		if s := w.await(t, "initial", children()); s.Exists {
			t.Fatalf("snapshot of a missing node says it exists: %+v", s)
		}
		if err := c.EnsurePath(context.Background(), root); err != nil {
			t.Fatal(err)
		}
		mustCreate(t, c, root+"/n1", "d")
		w.await(t, "created", func(s zk.Snapshot) error {
			if !s.Exists {
				return errors.New("not marked existing")
			}
			return children("n1=d")(s)
		})
		if err := c.Delete(root+"/n1", -1); err != nil {
			t.Fatal(err)
		}
		if err := c.Delete(root, -1); err != nil {
			t.Fatal(err)
		}
		w.await(t, "deleted again", func(s zk.Snapshot) error {
			if s.Exists || len(s.Children) != 0 {
				return fmt.Errorf("exists=%v children=%v", s.Exists, s.Names())
			}
			return nil
		})
	})
}

func TestWatcherResyncsAfterSessionExpiry(t *testing.T) {
	forModes(t, func(t *testing.T, mode zk.WatchMode) {
		z := testutil.SharedZooKeeper(t)
		p := testutil.NewTCPProxy(t, z.Addr(0))
		c := connect(t, []string{p.Addr()}, zk.Options{SessionTimeout: time.Second})
		writer := connect(t, z.Addrs(), zk.Options{})
		l := subscribe(t, c)
		root := testutil.ZKPath(t)
		if err := writer.EnsurePath(context.Background(), root); err != nil {
			t.Fatal(err)
		}
		mustCreate(t, writer, root+"/before", "1")
		w := startWatch(t, c, root, zk.WatchOptions{Mode: mode})
		w.await(t, "initial", children("before=1"))

		p.Block()
		mustCreate(t, writer, root+"/during", "2") // no watch can report this
		z.ExpireSession(t, p, c.SessionID())       // already blocked; unblocks
		l.waitState(t, zk.SessionNew)
		w.await(t, "resynced", children("before=1", "during=2"))

		mustCreate(t, writer, root+"/after", "3")
		w.await(t, "child watch re-armed", children("after=3", "before=1", "during=2"))
		if _, err := writer.Set(root+"/before", []byte("9"), -1); err != nil {
			t.Fatal(err)
		}
		w.await(t, "data watch re-armed", children("after=3", "before=9", "during=2"))
	})
}

func TestWatcherStopsOnCancelWithoutLeaks(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	base := runtime.NumGoroutine()
	c, err := zk.Connect(context.Background(), z.Addrs(), zk.Options{SessionTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sessions := c.Sessions(ctx)
	w := zk.NewChildrenWatcher(c, "/", zk.WatchOptions{ParentData: true, ResyncInterval: 50 * time.Millisecond})
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	if s := <-w.Updates(); s.Err != nil || !s.Exists {
		t.Fatalf("first snapshot of / = %+v", s)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after cancel = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	for range w.Updates() { // closed by Run: this loop ends
	}
	for range sessions { // closed on cancel: this loop ends
	}
	c.Close()
	testutil.Eventually(t, 5*time.Second, func() error {
		if n := runtime.NumGoroutine(); n > base {
			return fmt.Errorf("%d goroutines, %d before the test", n, base)
		}
		return nil
	})
}

func TestWatcherEndsWhenConnCloses(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	c, err := zk.Connect(context.Background(), z.Addrs(), zk.Options{SessionTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	w := zk.NewChildrenWatcher(c, "/", zk.WatchOptions{})
	done := make(chan error, 1)
	go func() { done <- w.Run(context.Background()) }()
	<-w.Updates()
	c.Close()
	select {
	case err := <-done:
		if !errors.Is(err, zk.ErrClosing) {
			t.Fatalf("Run after Close = %v, want ErrClosing", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after the Conn closed")
	}
}

func TestWatcherRunTwice(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	c := connect(t, z.Addrs(), zk.Options{})
	w := startWatch(t, c, "/", zk.WatchOptions{})
	w.await(t, "first", func(zk.Snapshot) error { return nil })
	if err := w.w.Run(context.Background()); err == nil {
		t.Fatal("second Run succeeded")
	}
}
