package zk_test

// PATCHED (see PATCHED.md): tests of the watch re-send (restore.go) against
// a real ZooKeeper.

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/smartstack-go/smartstack/test/testutil"
	"github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

// cut blocks the proxy until c has lost its connection, makes the changes,
// and lets c reconnect on the same session.
func cut(t *testing.T, c *zk.Conn, proxy *testutil.TCPProxy, changes func()) {
	t.Helper()
	sid := c.SessionID()
	proxy.Block()
	testutil.Eventually(t, wait, func() error {
		if s := c.State(); s == zk.StateHasSession {
			return errors.New("still connected")
		}
		return nil
	})
	changes()
	proxy.Unblock()
	waitSession(t, c)
	if c.SessionID() != sid {
		t.Fatalf("session changed %x → %x; the test needs a reconnect", sid, c.SessionID())
	}
}

// Changes made while the connection was down arrive as events once the
// watches are re-sent: GetWCallback's data watches (which have no channel)
// as well as the channel watches; an unchanged znode's watch is re-armed
// and fires at its next change.
func TestMissedChangesFireAfterReconnect(t *testing.T) {
	zkp := testutil.SharedZooKeeper(t)
	base := testutil.ZKPath(t)
	proxy := testutil.NewTCPProxy(t, zkp.Addr(0))
	c, ev := dial(t, proxy.Addr())
	writer, _ := dial(t, zkp.Addr(0))
	for _, p := range []string{base, base + "/changed", base + "/deleted", base + "/same"} {
		mustCreate(t, writer, p)
	}
	_, _, childW, err := c.ChildrenW(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"changed", "deleted", "same"} {
		if _, _, err := c.GetWCallback(base + "/" + n); err != nil {
			t.Fatal(err)
		}
	}
	cut(t, c, proxy, func() {
		if _, err := writer.Set(base+"/changed", []byte("x"), -1); err != nil {
			t.Fatal(err)
		}
		if err := writer.Delete(base+"/deleted", -1); err != nil {
			t.Fatal(err)
		}
		mustCreate(t, writer, base+"/added")
	})
	testutil.Eventually(t, wait, func() error {
		got := ev.get()
		slices.Sort(got)
		want := []string{
			"EventNodeChildrenChanged " + base,
			"EventNodeDataChanged " + base + "/changed",
			"EventNodeDeleted " + base + "/deleted",
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("events %q, want %q", got, want)
		}
		return nil
	})
	if e := <-childW; e.Type != zk.EventNodeChildrenChanged {
		t.Fatalf("child watch channel got %v", e)
	}
	if _, err := writer.Set(base+"/same", []byte("y"), -1); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, wait, func() error {
		if got := ev.get(); !slices.Contains(got, "EventNodeDataChanged "+base+"/same") {
			return fmt.Errorf("no event for the unchanged znode's re-armed watch; events %q", got)
		}
		return nil
	})
}

// A callback watch that fired is not re-sent: after a second cut, a change
// to its znode brings no event (the server holds no watch for it).
func TestFiredCallbackWatchNotResent(t *testing.T) {
	zkp := testutil.SharedZooKeeper(t)
	base := testutil.ZKPath(t)
	proxy := testutil.NewTCPProxy(t, zkp.Addr(0))
	c, ev := dial(t, proxy.Addr())
	writer, _ := dial(t, zkp.Addr(0))
	mustCreate(t, writer, base)
	mustCreate(t, writer, base+"/a")
	mustCreate(t, writer, base+"/b")
	for _, n := range []string{"a", "b"} {
		if _, _, err := c.GetWCallback(base + "/" + n); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := writer.Set(base+"/a", []byte("1"), -1); err != nil {
		t.Fatal(err)
	}
	ev.waitFor(t, "EventNodeDataChanged "+base+"/a")
	cut(t, c, proxy, func() {})
	testutil.Eventually(t, wait, func() error {
		paths, err := zkp.SessionWatches(0, c.SessionID())
		if err != nil {
			return err
		}
		if !slices.Equal(paths, []string{base + "/b"}) {
			return fmt.Errorf("session watches %q, want only %s/b", paths, base)
		}
		return nil
	})
}
