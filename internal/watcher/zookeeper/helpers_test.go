package zookeeper

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestMain(m *testing.M) { os.Exit(testutil.ZooKeeperMain(m)) }

const waitLong = 15 * time.Second

// zkConn is a plain connection for setting up znodes.
func zkConn(t *testing.T, servers []string) *zk.Conn {
	t.Helper()
	c, err := zk.Connect(context.Background(), servers, zk.Options{SessionTimeout: 4 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func testConfig(hosts []string, path string) *Config {
	c := NewConfig()
	c.Hosts, c.Path = hosts, path
	c.SessionTimeout = config.Duration(4 * time.Second)
	c.RetryPolicy.BaseInterval = config.Duration(50 * time.Millisecond)
	c.RetryPolicy.MaxInterval = config.Duration(time.Second)
	return c
}

// running is a watcher under test, its pool private to the test.
type running struct {
	*watchertest.Started[watcher.Watcher]
	b    *base
	pool *Pool
	logs *testutil.SyncBuffer
}

// start builds a watcher of method from cfg and runs it until the test ends.
// dial, if not nil, replaces the real dial (to wrap the connection).
func start(t *testing.T, method string, cfg any, dial dialFunc) *running {
	t.Helper()
	r := &running{logs: &testutil.SyncBuffer{}, pool: NewPool()}
	if dial != nil {
		r.pool = newPool(dial)
	}
	r.Started = watchertest.Start(t, method, cfg, watcher.Options{Logger: r.logs.Logger()}, func(w watcher.Watcher) {
		switch v := w.(type) {
		case *Watcher:
			r.b = v.base
		case *PollWatcher:
			r.b = v.base
		}
		r.b.pool = r.pool
	})
	r.Wait = waitLong
	return r
}

// backends requires exactly these backends, as their JSON, in order.
func backends(want ...string) watchertest.Cond {
	return watchertest.Backends(watchertest.Service, want...)
}

func mustCreate(t *testing.T, c zk.Client, path, data string, flags int32) string {
	t.Helper()
	p, err := c.Create(path, []byte(data), flags, zk.OpenACL)
	if err != nil {
		t.Fatalf("create %s: %v", path, err)
	}
	return p
}

func mustEnsure(t *testing.T, c zk.Client, path string) {
	t.Helper()
	if err := zk.EnsurePath(context.Background(), c, path); err != nil {
		t.Fatal(err)
	}
}

func contextWithCancel(t *testing.T) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx, cancel
}
