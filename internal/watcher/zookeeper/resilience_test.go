package zookeeper

import (
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func stale(s watcher.Snapshot) error {
	if s.Err == nil {
		return errors.New("snapshot without Err")
	}
	return nil
}

func TestSessionExpiryKeepsWatching(t *testing.T) {
	forModes(t, func(t *testing.T, mode string) {
		z := testutil.SharedZooKeeper(t)
		c := zkConn(t, z.Addrs())
		p := testutil.NewTCPProxy(t, z.Addr(0))
		root := testutil.ZKPath(t)
		mustEnsure(t, c, root)
		mustCreate(t, c, root+"/a_0000000001", `{"host":"a","port":1}`, 0)
		cfg := testConfig([]string{p.Addr()}, root)
		cfg.WatchMode = mode
		r := start(t, Method, cfg, nil)
		a := `{"name":null,"host":"a","port":1,"id":1,"weight":null,"haproxy_server_options":null,"labels":null}`
		r.Await(t, "before expiry", backends(a))
		old := r.b.entry.Load().Client().SessionID()

		z.ExpireSession(t, p, old)
		testutil.Eventually(t, waitLong, func() error {
			cl := r.b.entry.Load().Client()
			if id := cl.SessionID(); id == old || cl.State() != zk.StateHasSession {
				return fmt.Errorf("no new session yet (id 0x%x, state %s)", id, cl.State())
			}
			return r.W.(watcher.Pinger).Ping(t.Context())
		})
		mustCreate(t, c, root+"/b_0000000002", `{"host":"b","port":2}`, 0)
		r.Await(t, "change after the new session", backends(a,
			`{"name":null,"host":"b","port":2,"id":2,"weight":null,"haproxy_server_options":null,"labels":null}`))
	})
}

// TestPingWhileDisconnected stops the watcher before unblocking: a
// reconnect within the same session with watches armed trips a data race
// inside go-zookeeper under -race (lastZxid, go-zookeeper/zk PR #35), which
// is not ours to fix here. Recovery after a new session is covered by
// TestSessionExpiryKeepsWatching.
func TestPingWhileDisconnected(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	p := testutil.NewTCPProxy(t, z.Addr(0))
	r := start(t, Method, testConfig([]string{p.Addr()}, testutil.ZKPath(t)), nil)
	r.Await(t, "initial", backends())
	p.Block()
	testutil.Eventually(t, waitLong, func() error {
		if r.W.(watcher.Pinger).Ping(t.Context()) == nil {
			return errors.New("Ping = nil while the proxy is blocked")
		}
		return nil
	})
	r.Stop()
	if err := r.W.(watcher.Pinger).Ping(t.Context()); err == nil {
		t.Fatal("Ping = nil after Run returned")
	}
}

func TestParentDeletedThenRecreated(t *testing.T) {
	forModes(t, func(t *testing.T, mode string) {
		z := testutil.SharedZooKeeper(t)
		c := zkConn(t, z.Addrs())
		root := testutil.ZKPath(t) + "/svc"
		mustEnsure(t, c, root)
		mustCreate(t, c, root+"/a_0000000001", `{"host":"a","port":1}`, 0)
		cfg := testConfig(z.Addrs(), root)
		cfg.WatchMode = mode
		r := start(t, Method, cfg, nil)
		r.Await(t, "before", backends(`{"name":null,"host":"a","port":1,"id":1,"weight":null,"haproxy_server_options":null,"labels":null}`))

		if err := c.Delete(root+"/a_0000000001", -1); err != nil {
			t.Fatal(err)
		}
		if err := c.Delete(root, -1); err != nil {
			t.Fatal(err)
		}
		// The child's deletion may be seen first (an empty set); the parent's
		// must then be reported stale, never as a final empty set.
		r.Await(t, "parent gone: stale", stale)
		if n := r.logs.Count("service znode deleted"); n != 1 {
			t.Fatalf("deletion logged %d times, want 1", n)
		}
		mustEnsure(t, c, root)
		mustCreate(t, c, root+"/b_0000000002", `{"host":"b","port":2}`, 0)
		r.Await(t, "recreated", backends(`{"name":null,"host":"b","port":2,"id":2,"weight":null,"haproxy_server_options":null,"labels":null}`))
	})
}

func TestRunReturnsPromptlyWithoutLeaks(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	root := testutil.ZKPath(t)
	before := runtime.NumGoroutine()
	r := start(t, Method, testConfig(z.Addrs(), root), nil)
	r.Await(t, "running", backends())
	// A consumer that stops reading: Run must still return on cancel.
	c := zkConn(t, z.Addrs())
	mustCreate(t, c, root+"/a_0000000001", `{"host":"a","port":1}`, 0)
	t0 := time.Now()
	r.Stop()
	if d := time.Since(t0); d > time.Second {
		t.Fatalf("Run took %s to return", d)
	}
	if n := r.pool.Len(); n != 0 {
		t.Fatalf("%d pooled connections left open", n)
	}
	c.Close()
	testutil.Eventually(t, waitLong, func() error {
		if n := runtime.NumGoroutine(); n > before {
			return fmt.Errorf("%d goroutines, %d before", n, before)
		}
		return nil
	})
}

func TestPoolSharesOneConnectionPerHostSet(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	root := testutil.ZKPath(t)
	hosts := []string{z.Addr(0), "127.0.0.1:1"}
	r1 := start(t, Method, testConfig(hosts, root+"/a"), nil)
	r1.Await(t, "first", backends())
	cfg := testConfig([]string{hosts[1], hosts[0]}, root+"/b")
	w, err := New("svc", cfg, watcher.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.(*Watcher).pool = r1.pool
	out := make(chan watcher.Snapshot, 1)
	ctx, cancel := contextWithCancel(t)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, out) }()
	<-out
	if n := r1.pool.Len(); n != 1 {
		t.Fatalf("%d connections for one host set in two orders, want 1", n)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := r1.W.(watcher.Pinger).Ping(t.Context()); err != nil {
		t.Fatalf("the first watcher lost its connection when the second stopped: %v", err)
	}
}
