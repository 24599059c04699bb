package zk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// refusingConn answers addWatch as a server before 3.6 does, without the
// server: srvr told nothing, the watch is refused.
type refusingConn struct{ *Conn }

func (r refusingConn) persistentSupport() int { return 0 }

func (r refusingConn) addRecursiveWatch(string) error {
	r.refusedPersistent()
	return fmt.Errorf("add watch: %w", errPersistentRefused)
}

func fallbackSetup(t *testing.T) (*Conn, string, *testutil.ZooKeeper) {
	t.Helper()
	z := testutil.SharedZooKeeper(t)
	c, err := Connect(context.Background(), z.Addrs(), Options{SessionTimeout: 4 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	root := testutil.ZKPath(t)
	if err := c.EnsurePath(context.Background(), root); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create(root+"/a", []byte("1"), 0, OpenACL); err != nil {
		t.Fatal(err)
	}
	return c, root, z
}

func runWatcher(t *testing.T, c Client, path string, opts WatchOptions) *ChildrenWatcher {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := NewChildrenWatcher(c, path, opts)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return w
}

func awaitSnap(t *testing.T, w *ChildrenWatcher, cond func(Snapshot) bool) {
	t.Helper()
	timeout := time.After(15 * time.Second)
	var last Snapshot
	for {
		select {
		case s := <-w.Updates():
			if last = s; cond(s) {
				return
			}
		case <-timeout:
			t.Fatalf("no matching snapshot; last %+v", last)
		}
	}
}

// auto falls back to one-shot watches when the watch is refused.
func TestAutoFallsBackWhenRefused(t *testing.T) {
	c, root, z := fallbackSetup(t)
	w := runWatcher(t, refusingConn{c}, root, WatchOptions{Mode: WatchAuto})
	awaitSnap(t, w, func(s Snapshot) bool { return s.Err == nil && string(s.Children["a"]) == "1" })
	if _, err := c.Set(root+"/a", []byte("2"), -1); err != nil {
		t.Fatal(err)
	}
	awaitSnap(t, w, func(s Snapshot) bool { return string(s.Children["a"]) == "2" })
	testutil.Eventually(t, 15*time.Second, func() error {
		got, err := z.SessionWatches(0, c.SessionID())
		if err != nil {
			return err
		}
		if !slices.Equal(got, []string{root + "/a"}) {
			return fmt.Errorf("session watches %q, want the child's data watch", got)
		}
		return nil
	})
	if c.persistentSupport() >= 0 {
		t.Fatal("the refusal was not remembered for the connection")
	}
}

// persistent (forced) reports the refusal instead of falling back.
func TestForcedPersistentReportsRefusal(t *testing.T) {
	c, root, _ := fallbackSetup(t)
	w := runWatcher(t, refusingConn{c}, root, WatchOptions{Mode: WatchPersistent})
	awaitSnap(t, w, func(s Snapshot) bool {
		return s.Err != nil && strings.Contains(s.Err.Error(), "refuses persistent watches")
	})
}
