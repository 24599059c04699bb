package zookeeper

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/internal/zk"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestMain(m *testing.M) { os.Exit(testutil.ZooKeeperMain(m)) }

const waitLong = 15 * time.Second

// realEnv is one test's view of the shared ZooKeeper: its own root path, a
// verification connection and a pool for its reporters.
type realEnv struct {
	z     *testutil.ZooKeeper
	root  string
	check *zk.Conn
	pool  *zk.Pool
	log   *slog.Logger
}

func newRealEnv(t *testing.T) *realEnv {
	t.Helper()
	z := testutil.SharedZooKeeper(t)
	// The library's goroutines log into buf; it is printed only when the
	// test fails, after every reporter has stopped.
	var buf testutil.SyncBuffer
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("reporter log:\n%s", buf.String())
		}
	})
	c, err := zk.Connect(context.Background(), z.Addrs(), zk.Options{SessionTimeout: 4 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return &realEnv{z: z, root: testutil.ZKPath(t), check: c, pool: NewPool(), log: buf.Logger()}
}

// start builds and starts a reporter on hosts with a short session and
// waits until it can reach ZooKeeper.
func (e *realEnv) start(t *testing.T, hosts []string, sessionTimeout time.Duration, mod ...func(*Config)) *Reporter {
	t.Helper()
	cfg := NewConfig()
	cfg.ZKHosts, cfg.ZKPath = hosts, e.root
	for _, m := range mod {
		m(cfg)
	}
	svc := reporter.Service{Name: "web", InstanceID: "i-abc", Payload: []byte(`{"host":"127.0.0.1","port":3000,"name":"i-abc"}`)}
	rep, err := New(svc, cfg, reporter.Options{Logger: e.log, Pool: e.pool, SessionTimeout: sessionTimeout})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.(*Reporter)
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil && !errors.Is(err, reporter.ErrNotConnected) {
			t.Errorf("Stop: %v", err)
		}
	})
	testutil.Eventually(t, waitLong, func() error { return r.Ping(context.Background()) })
	return r
}

// stat returns the node's stat, nil if it does not exist.
func (e *realEnv) stat(t *testing.T, path string) *zk.Stat {
	t.Helper()
	ok, st, err := e.check.Exists(path)
	if err != nil {
		t.Fatalf("exists %s: %v", path, err)
	}
	if !ok {
		return nil
	}
	return st
}

func (e *realEnv) children(t *testing.T) []string {
	t.Helper()
	names, _, err := e.check.Children(e.root)
	if err != nil && !errors.Is(err, zk.ErrNoNode) {
		t.Fatalf("children of %s: %v", e.root, err)
	}
	return names
}
