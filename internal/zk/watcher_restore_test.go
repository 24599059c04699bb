package zk_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

// After a reconnect on the same session a classic watcher re-reads
// nothing: the watches the library re-sends report the changes made while
// the connection was down (a child added, one deleted, one's data
// changed), and only those are read. The baseline (NoRestore) re-reads
// every child. Requests are counted by the server on the new connection.
func TestClassicReconnectReadsOnlyChanges(t *testing.T) {
	const n = 50
	for _, tc := range []struct {
		name     string
		wrap     func(*zk.Conn) zk.Client
		min, max int64
	}{
		// connect, setWatches, the listing(s), two reads; a ping at most.
		{"restored", func(c *zk.Conn) zk.Client { return c }, 4, 10},
		// connect, setWatches, a listing and every child's read.
		{"re-read", func(c *zk.Conn) zk.Client { return zk.NoRestore{Conn: c} }, n + 2, 2 * n},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := reconnectRequests(t, n, zk.WatchClassic, tc.wrap)
			t.Logf("requests on the new connection, %d children, 3 changes: %d", n, got)
			if got < tc.min || got > tc.max {
				t.Fatalf("%d requests after the reconnect, want %d to %d", got, tc.min, tc.max)
			}
		})
	}
}

// In persistent mode a reconnect re-reads the service (the server replays
// nothing for a persistent watch), but its children's data goes in
// multiRead chunks of at most 128: 300 children cost 3 requests instead of
// 300 (NoMultiRead, the baseline).
func TestPersistentReconnectReadsInChunks(t *testing.T) {
	const n = 300
	for _, tc := range []struct {
		name     string
		wrap     func(*zk.Conn) zk.Client
		min, max int64
	}{
		// connect, setWatches2, addWatch, the listing, 3 multiReads; a
		// ping at most.
		{"multiRead", func(c *zk.Conn) zk.Client { return c }, 7, 10},
		{"one by one", func(c *zk.Conn) zk.Client { return zk.NoMultiRead{Conn: c} }, n + 4, n + 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := reconnectRequests(t, n, zk.WatchPersistent, tc.wrap)
			t.Logf("requests on the new connection, %d children, 3 changes: %d", n, got)
			if got < tc.min || got > tc.max {
				t.Fatalf("%d requests after the reconnect, want %d to %d", got, tc.min, tc.max)
			}
		})
	}
}

// reconnectRequests watches n children in mode, makes three changes while
// the connection is cut, and returns what the server received on the new
// connection once the watcher shows them.
func reconnectRequests(t *testing.T, n int, mode zk.WatchMode, wrap func(*zk.Conn) zk.Client) int64 {
	z := testutil.SharedZooKeeper(t)
	p := testutil.NewTCPProxy(t, z.Addr(0))
	// A long session: one ping per 10 s at most in the count.
	c := connect(t, []string{p.Addr()}, zk.Options{SessionTimeout: 30 * time.Second})
	writer := connect(t, z.Addrs(), zk.Options{})
	l := subscribe(t, c)
	root := testutil.ZKPath(t)
	if err := writer.EnsurePath(context.Background(), root); err != nil {
		t.Fatal(err)
	}
	var want []string
	var ops []any
	for i := range n {
		name := fmt.Sprintf("c%03d", i)
		ops = append(ops, &gozk.CreateRequest{Path: root + "/" + name, Data: []byte("v"), Acl: zk.OpenACL})
		if i > 1 {
			want = append(want, name+"=v")
		}
	}
	for len(ops) > 0 {
		k := min(len(ops), 100)
		if _, err := writer.Raw().Multi(ops[:k]...); err != nil {
			t.Fatal(err)
		}
		ops = ops[k:]
	}
	w := startWatch(t, wrap(c), root, zk.WatchOptions{Mode: mode})
	w.await(t, "initial", func(s zk.Snapshot) error {
		if len(s.Children) != n {
			return fmt.Errorf("%d children, want %d", len(s.Children), n)
		}
		return nil
	})
	sid := c.SessionID()
	p.Block()
	l.waitState(t, zk.SessionDisconnected)
	if _, err := writer.Set(root+"/c000", []byte("changed"), -1); err != nil {
		t.Fatal(err)
	}
	if err := writer.Delete(root+"/c001", -1); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, writer, root+"/added", "new")
	p.Unblock()
	if ev := l.waitState(t, zk.SessionReconnected); ev.SessionID != sid {
		t.Fatalf("reconnected as %x, want the same session %x", ev.SessionID, sid)
	}
	want = append([]string{"added=new", "c000=changed"}, want...)
	w.await(t, "the missed changes", children(want...))
	got, err := z.SessionReceived(0, sid)
	if err != nil {
		t.Fatal(err)
	}
	// The watches still report: a later change arrives.
	if _, err := writer.Set(root+"/c002", []byte("later"), -1); err != nil {
		t.Fatal(err)
	}
	want[2] = "c002=later"
	w.await(t, "a later change", children(want...))
	return got
}

// listCount counts the plain listings of a Conn (its watches and reads
// otherwise unchanged): in classic mode with the child watch armed, each
// is a periodic resync starting.
type listCount struct {
	*zk.Conn
	n atomic.Int32
}

func (l *listCount) Children(path string) ([]string, *zk.Stat, error) {
	l.n.Add(1)
	return l.Conn.Children(path)
}

// A periodic resync arms no watch, so in classic mode too it reads the
// children in one multiRead: a listing and one request for 50 children.
func TestClassicResyncReadsInChunks(t *testing.T) {
	const n = 50
	z := testutil.SharedZooKeeper(t)
	c := connect(t, z.Addrs()[:1], zk.Options{SessionTimeout: 30 * time.Second})
	root := testutil.ZKPath(t)
	if err := c.EnsurePath(context.Background(), root); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		mustCreate(t, c, fmt.Sprintf("%s/c%03d", root, i), "v")
	}
	lc := &listCount{Conn: c}
	w := startWatch(t, lc, root, zk.WatchOptions{Mode: zk.WatchClassic, ResyncInterval: time.Second})
	w.await(t, "initial", func(s zk.Snapshot) error {
		if len(s.Children) != n {
			return fmt.Errorf("%d children, want %d", len(s.Children), n)
		}
		return nil
	})
	sid := c.SessionID()
	testutil.Eventually(t, waitLong, func() error {
		if lc.n.Load() < 1 {
			return fmt.Errorf("no resync yet")
		}
		return nil
	})
	before, err := z.SessionReceived(0, sid)
	if err != nil {
		t.Fatal(err)
	}
	// The next resync's listing starts after this one's reads are done.
	testutil.Eventually(t, waitLong, func() error {
		if lc.n.Load() < 2 {
			return fmt.Errorf("no second resync yet")
		}
		return nil
	})
	after, err := z.SessionReceived(0, sid)
	if err != nil {
		t.Fatal(err)
	}
	// This resync's multiRead, the next one's listing and multiRead, a ping.
	t.Logf("requests from one resync's listing to the next one's: %d", after-before)
	if d := after - before; d < 1 || d > 4 {
		t.Fatalf("%d requests from one resync's listing to the next one's, want 1 to 4 (one by one would be %d)", d, n)
	}
}
