package zookeeper

import (
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestPollPicksUpChanges(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	c := zkConn(t, z.Addrs())
	root := testutil.ZKPath(t) + "/svc"
	cfg := NewPollConfig()
	cfg.Config = *testConfig(z.Addrs(), root)
	cfg.PollingIntervalSec = config.Duration(500 * time.Millisecond)
	r := start(t, PollMethod, cfg, nil)
	r.Await(t, "missing path: nothing registered", backends())
	if ok, _, _ := c.Exists(root); ok {
		t.Fatal("zookeeper_poll created the path")
	}
	mustEnsure(t, c, root)
	if _, err := c.Set(root, []byte(`{"haproxy":{"port":1}}`), -1); err != nil {
		t.Fatal(err)
	}
	prefix := "i-1_"
	mustCreate(t, c, root+"/"+prefix, `{"host":"a","port":1,"name":"i-1"}`, 0)
	t0 := time.Now()
	s := r.Await(t, "child polled", backends(`{"name":"i-1","host":"a","port":1,"id":null,"weight":null,"haproxy_server_options":null,"labels":null}`))
	if d := time.Since(t0); d > 2*time.Second {
		t.Fatalf("change seen after %s with a 0.5s interval", d)
	}
	if err := genConfig(map[string]string{"haproxy": "map[port:1]"})(s); err != nil {
		t.Fatal(err)
	}
	// Deleting the parent after it was seen keeps the last good set.
	if err := c.Delete(root+"/"+prefix, -1); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(root, -1); err != nil {
		t.Fatal(err)
	}
	r.Await(t, "parent gone: stale", stale)
}
