package zookeeper

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// discovery_jitter holds back a send that comes too soon after the previous
// one, then sends the state as it is when the wait is over: two children
// created together right after the first snapshot arrive in one snapshot,
// no sooner than the jitter after it.
func TestDiscoveryJitterSendsTheLatestAfterTheWait(t *testing.T) {
	forModes(t, func(t *testing.T, mode string) {
		z := testutil.SharedZooKeeper(t)
		c := zkConn(t, z.Addrs())
		root := testutil.ZKPath(t)
		mustEnsure(t, c, root+"/svc")
		cfg := testConfig(z.Addrs(), root+"/svc")
		cfg.WatchMode = mode
		jitter := config.Duration(700 * time.Millisecond)
		cfg.DiscoveryJitter = &jitter
		r := start(t, Method, cfg, nil)
		if s := r.Next(t); s.Err != nil || len(s.Backends) != 0 {
			t.Fatalf("first snapshot %+v, want no backends", s)
		}
		sent := time.Now() // no earlier than the first send
		mustCreate(t, c, root+"/svc/a_0000000001", `{"host":"a","port":1}`, 0)
		mustCreate(t, c, root+"/svc/b_0000000002", `{"host":"b","port":2}`, 0)
		s := r.Next(t)
		if err := backends(
			`{"name":null,"host":"a","port":1,"id":1,"weight":null,"haproxy_server_options":null,"labels":null}`,
			`{"name":null,"host":"b","port":2,"id":2,"weight":null,"haproxy_server_options":null,"labels":null}`,
		)(s); err != nil {
			t.Fatalf("the snapshot after the wait: %v", err)
		}
		if d := time.Since(sent); d < time.Duration(jitter)*8/10 {
			t.Fatalf("second snapshot %s after the first, want no sooner than the %s jitter", d, time.Duration(jitter))
		}
	})
}

// A children watcher (or a separate config znode's) that stops on its own,
// which only a closed connection causes, ends Run with errWatchEnded, so
// that the daemon restarts the watcher, rather than leaving it silent.
func TestRunEndsWhenTheConnectionCloses(t *testing.T) {
	for _, separateConfig := range []bool{false, true} {
		t.Run(map[bool]string{false: "children", true: "config znode"}[separateConfig], func(t *testing.T) {
			z := testutil.SharedZooKeeper(t)
			c := zkConn(t, z.Addrs())
			root := testutil.ZKPath(t)
			mustEnsure(t, c, root+"/svc")
			cfg := testConfig(z.Addrs(), root+"/svc")
			if separateConfig {
				cfg.GeneratorConfigPath = root + "/cfg"
			}
			var inner atomic.Pointer[conn]
			dial := func(ctx context.Context, servers []string, opts zk.Options) (conn, error) {
				cc, err := dialZK(ctx, servers, opts)
				if err == nil {
					inner.Store(&cc)
				}
				return cc, err
			}
			w, err := New("svc", cfg, watcher.Options{})
			if err != nil {
				t.Fatal(err)
			}
			w.(*Watcher).pool = newPool(dial)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			out := make(chan watcher.Snapshot, 16)
			done := make(chan error, 1)
			go func() { done <- w.Run(ctx, out) }()
			select {
			case <-out:
			case <-time.After(waitLong):
				t.Fatal("no first snapshot")
			}
			(*inner.Load()).Close()
			select {
			case err := <-done:
				if !errors.Is(err, errWatchEnded) {
					t.Fatalf("Run = %v, want errWatchEnded", err)
				}
			case <-time.After(waitLong):
				t.Fatal("Run did not return after its connection closed")
			}
		})
	}
}
