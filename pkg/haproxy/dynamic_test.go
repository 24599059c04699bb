package haproxy_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"testing"

	"github.com/smartstack-go/smartstack/pkg/haproxy"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestRealDynamicServerLifecycle(t *testing.T) {
	h := startReal(t)
	ctx := context.Background()
	addr := "127.0.0.1:" + strconv.Itoa(h.port)

	if err := h.admin.AddServer(ctx, "app", "dyn", addr, "id", "42", "weight", "3", "check", "inter", "1s"); err != nil {
		t.Fatal(err)
	}
	s, ok := serverState(t, h.admin, "app", "dyn")
	if !ok || s.ID != 42 || s.UWeight != 3 || s.AdminState != haproxy.AdminForcedMaint {
		t.Fatalf("new server = %+v (found %v); want id 42, weight 3, in maintenance", s, ok)
	}
	steps := []struct {
		name string
		do   func() error
		want func(haproxy.ServerState) bool
	}{
		{"enable health", func() error { return h.admin.EnableHealth(ctx, "app", "dyn") }, nil},
		{"enable", func() error { return h.admin.EnableServer(ctx, "app", "dyn") },
			func(s haproxy.ServerState) bool { return !s.AdminState.Maint() }},
		{"set weight", func() error { return h.admin.SetWeight(ctx, "app", "dyn", 9) },
			func(s haproxy.ServerState) bool { return s.UWeight == 9 }},
		{"set addr", func() error { return h.admin.SetAddr(ctx, "app", "dyn", "127.0.0.2", h.port) },
			func(s haproxy.ServerState) bool { return s.Addr == "127.0.0.2" && s.Port == h.port }},
		{"set same addr", func() error { return h.admin.SetAddr(ctx, "app", "dyn", "127.0.0.2", 0) }, nil},
		{"disable", func() error { return h.admin.DisableServer(ctx, "app", "dyn") },
			func(s haproxy.ServerState) bool { return s.AdminState.Maint() }},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if s, _ := serverState(t, h.admin, "app", "dyn"); st.want != nil && !st.want(s) {
			t.Fatalf("after %s: %+v", st.name, s)
		}
	}
	if err := h.admin.DelServer(ctx, "app", "dyn"); err != nil {
		t.Fatal(err)
	}
	if _, ok := serverState(t, h.admin, "app", "dyn"); ok {
		t.Fatal("dyn still listed after del server")
	}
}

// TestRealDynamicServerBatch is the zero-reload path as one connection: add
// and enable, then drain out and delete.
func TestRealDynamicServerBatch(t *testing.T) {
	h := startReal(t)
	ctx := context.Background()
	addr := "127.0.0.1:" + strconv.Itoa(h.port)
	err := h.admin.Do(ctx,
		haproxy.AddServerCommand("app", "d1", addr, "id", "11"),
		haproxy.AddServerCommand("app", "d2", addr, "id", "12"),
		haproxy.EnableServerCommand("app", "d1"),
		haproxy.EnableServerCommand("app", "d2"),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"d1", "d2"} {
		if s, ok := serverState(t, h.admin, "app", name); !ok || s.AdminState.Maint() {
			t.Fatalf("%s = %+v (found %v), want ready", name, s, ok)
		}
	}
	err = h.admin.Do(ctx, haproxy.DelServerCommand("app", "d1"))
	if !errors.Is(err, haproxy.ErrNotInMaintenance) {
		t.Fatalf("del of a live server: %v, want ErrNotInMaintenance", err)
	}
	err = h.admin.Do(ctx,
		haproxy.SetServerStateCommand("app", "d1", haproxy.Maint), haproxy.DelServerCommand("app", "d1"),
		haproxy.DisableServerCommand("app", "d2"), haproxy.DelServerCommand("app", "d2"),
	)
	if err != nil {
		t.Fatal(err)
	}
	states, err := h.admin.ShowServersState(ctx, "app")
	if err != nil || len(states) != 2 {
		t.Fatalf("after delete: %+v, %v; want s1 and s2 only", states, err)
	}
}

// TestRealDelServerWithConnection: a server holding a connection cannot be
// deleted even in maintenance; the answer is classified as ErrServerInUse.
func TestRealDelServerWithConnection(t *testing.T) {
	upstream, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer upstream.Close()
	port := testutil.FreePort(t)
	h := testutil.StartHAProxy(t, testutil.HAProxyConfig(fmt.Sprintf(
		"listen app\n\tbind 127.0.0.1:%d\n\tbalance roundrobin\n", port)))
	c := haproxy.New(h.StatsSocket, haproxy.WithTimeout(testTimeout))
	ctx := context.Background()
	if err := c.Do(ctx, haproxy.AddServerCommand("app", "d", upstream.Addr().String()), haproxy.EnableServerCommand("app", "d")); err != nil {
		t.Fatal(err)
	}
	client, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	conn, err := upstream.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	res, err := c.Exec(ctx, haproxy.DisableServerCommand("app", "d"), haproxy.DelServerCommand("app", "d"))
	if err != nil || res[0].Err != nil || !errors.Is(res[1].Err, haproxy.ErrServerInUse) {
		t.Fatalf("del with a live connection = %+v, %v; want ErrServerInUse", res, err)
	}
	if err := c.Do(ctx, "shutdown sessions server app/d"); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, testTimeout, func() error { return c.DelServer(ctx, "app", "d") })
}
