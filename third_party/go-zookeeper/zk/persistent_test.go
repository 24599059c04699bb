package zk_test

// PATCHED (see PATCHED.md): tests of the persistent-watch additions against
// a real ZooKeeper.

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
	"github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

func TestMain(m *testing.M) { os.Exit(testutil.ZooKeeperMain(m)) }

const wait = 15 * time.Second

type quiet struct{}

func (quiet) Printf(string, ...any) {}

// events records what the event callback sees for paths under a prefix.
type events struct {
	mu  sync.Mutex
	evs []string
}

func (e *events) add(ev zk.Event) {
	if ev.Type == zk.EventSession {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.evs = append(e.evs, fmt.Sprintf("%s %s", ev.Type, ev.Path))
}

func (e *events) get() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.evs)
}

// waitFor polls until the recorded events are exactly want.
func (e *events) waitFor(t *testing.T, want ...string) {
	t.Helper()
	testutil.Eventually(t, wait, func() error {
		if got := e.get(); !slices.Equal(got, want) {
			return fmt.Errorf("events %q, want %q", got, want)
		}
		return nil
	})
}

func dial(t *testing.T, addr string) (*zk.Conn, *events) {
	t.Helper()
	e := &events{}
	c, _, err := zk.Connect([]string{addr}, 4*time.Second, zk.WithLogger(quiet{}), zk.WithEventCallback(e.add))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	waitSession(t, c)
	// testutil.ZKPath names a child of /testutil.
	if _, err := c.Create("/testutil", nil, 0, zk.WorldACL(zk.PermAll)); err != nil && !errors.Is(err, zk.ErrNodeExists) {
		t.Fatal(err)
	}
	return c, e
}

func waitSession(t *testing.T, c *zk.Conn) {
	t.Helper()
	testutil.Eventually(t, wait, func() error {
		if s := c.State(); s != zk.StateHasSession {
			return fmt.Errorf("state %v", s)
		}
		return nil
	})
}

func mustCreate(t *testing.T, c *zk.Conn, p string) {
	t.Helper()
	if _, err := c.Create(p, nil, 0, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatalf("create %s: %v", p, err)
	}
}

func TestAddWatchRecursiveEvents(t *testing.T) {
	zkp := testutil.SharedZooKeeper(t)
	base := testutil.ZKPath(t)
	c, ev := dial(t, zkp.Addr(0))
	// The watched path need not exist yet.
	if err := c.AddWatch(base, true); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, c, base)
	mustCreate(t, c, base+"/a")
	mustCreate(t, c, base+"/a/b")
	if _, err := c.Set(base+"/a", []byte("x"), -1); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(base+"/a/b", -1); err != nil {
		t.Fatal(err)
	}
	// Still there after firing; never a NodeChildrenChanged.
	ev.waitFor(t,
		"EventNodeCreated "+base,
		"EventNodeCreated "+base+"/a",
		"EventNodeCreated "+base+"/a/b",
		"EventNodeDataChanged "+base+"/a",
		"EventNodeDeleted "+base+"/a/b")
	if got := c.PersistentWatches(); !got[base] || len(got) != 1 {
		t.Fatalf("PersistentWatches = %v", got)
	}
}

func TestAddWatchPersistentNotRecursive(t *testing.T) {
	zkp := testutil.SharedZooKeeper(t)
	base := testutil.ZKPath(t)
	c, ev := dial(t, zkp.Addr(0))
	mustCreate(t, c, base)
	if err := c.AddWatch(base, false); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, c, base+"/a")
	mustCreate(t, c, base+"/a/b") // a grandchild: not reported
	if _, err := c.Set(base, []byte("x"), -1); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Set(base, []byte("y"), -1); err != nil {
		t.Fatal(err)
	}
	ev.waitFor(t,
		"EventNodeChildrenChanged "+base,
		"EventNodeDataChanged "+base,
		"EventNodeDataChanged "+base)
}

func TestRemoveAllWatches(t *testing.T) {
	zkp := testutil.SharedZooKeeper(t)
	base := testutil.ZKPath(t)
	c, ev := dial(t, zkp.Addr(0))
	mustCreate(t, c, base)
	if err := c.AddWatch(base, true); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveAllWatches(base); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveAllWatches(base); !errors.Is(err, zk.ErrNoWatcher) {
		t.Fatalf("second removal: %v, want ErrNoWatcher", err)
	}
	mustCreate(t, c, base+"/gone")
	// A later watch's event proves the earlier create had its chance.
	if err := c.AddWatch(base+"/later", false); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, c, base+"/later")
	ev.waitFor(t, "EventNodeCreated "+base+"/later")
	if got := c.PersistentWatches(); len(got) != 1 {
		t.Fatalf("PersistentWatches = %v, want only the later one", got)
	}
}

// A cut connection loses the server's watches; the client re-sends the
// persistent one (setWatches2) and it fires again on the same session.
func TestAddWatchSurvivesReconnect(t *testing.T) {
	zkp := testutil.SharedZooKeeper(t)
	base := testutil.ZKPath(t)
	proxy := testutil.NewTCPProxy(t, zkp.Addr(0))
	c, ev := dial(t, proxy.Addr())
	writer, _ := dial(t, zkp.Addr(0))
	mustCreate(t, writer, base)
	if err := c.AddWatch(base, true); err != nil {
		t.Fatal(err)
	}
	sid := c.SessionID()
	proxy.Block()
	testutil.Eventually(t, wait, func() error {
		if s := c.State(); s == zk.StateHasSession {
			return errors.New("still connected")
		}
		return nil
	})
	proxy.Unblock()
	waitSession(t, c)
	if c.SessionID() != sid {
		t.Fatalf("session changed %x → %x; the test needs a reconnect", sid, c.SessionID())
	}
	// setWatches2 is sent right after the handshake; poll until the server
	// has it rather than racing it.
	testutil.Eventually(t, wait, func() error {
		paths, err := zkp.SessionWatches(0, sid)
		if err != nil {
			return err
		}
		if !slices.Contains(paths, base) {
			return fmt.Errorf("session watches %v, want %s", paths, base)
		}
		return nil
	})
	mustCreate(t, writer, base+"/after")
	if _, err := writer.Set(base+"/after", []byte("x"), -1); err != nil {
		t.Fatal(err)
	}
	ev.waitFor(t, "EventNodeCreated "+base+"/after", "EventNodeDataChanged "+base+"/after")
}

// Closing tells the event callback the watch is gone.
func TestAddWatchNotWatchingOnClose(t *testing.T) {
	zkp := testutil.SharedZooKeeper(t)
	base := testutil.ZKPath(t)
	c, ev := dial(t, zkp.Addr(0))
	if err := c.AddWatch(base, true); err != nil {
		t.Fatal(err)
	}
	c.Close()
	ev.waitFor(t, "EventNotWatching "+base)
}
