package zookeeper

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/reporter"
	"github.com/smartstack-go/smartstack/internal/zk"
)

// fakeEnv builds reporters that all dial the same fake through one pool.
type fakeEnv struct {
	f     *fakeZK
	pool  *zk.Pool
	dials int
	mu    sync.Mutex
}

func newFakeEnv() *fakeEnv {
	e := &fakeEnv{f: newFakeZK()}
	e.pool = newPool(e.dial)
	return e
}

func (e *fakeEnv) dial(context.Context, []string, zk.Options) (conn, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.dials++
	return e.f, nil
}

var testPayload = []byte(`{"host":"host","port":"port","name":"instance_id"}`)

// start builds, starts and waits for the connection of a reporter; Stop
// runs on cleanup.
func (e *fakeEnv) start(t *testing.T, cfg *Config) *Reporter {
	t.Helper()
	svc := reporter.Service{Name: "svc", InstanceID: "instance_id", Payload: testPayload, CheckInterval: time.Second}
	r, err := newReporter(svc, cfg, reporter.Options{Pool: e.pool})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Stop(context.Background()) })
	select {
	case <-r.sess.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("fake session not ready")
	}
	return r
}

func testConfig(mod ...func(*Config)) *Config {
	c := NewConfig()
	c.ZKHosts = []string{"zk2:2181", "zk1:2181"}
	c.ZKPath = "/test"
	for _, m := range mod {
		m(c)
	}
	return c
}
