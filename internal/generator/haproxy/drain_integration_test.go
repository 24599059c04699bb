package haproxy

import (
	"context"
	"io"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// holdingBackend accepts connections and keeps them open until the test
// ends; accepted receives each one.
func holdingBackend(t *testing.T) (port int, accepted <-chan net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			ch <- c
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().(*net.TCPAddr).Port, ch
}

// holdConnection opens a client connection to the service's frontend
// and returns it with the backend's side, once holdingBackend accepted
// it. Both are closed when the test ends.
func (r *realSetup) holdConnection(t *testing.T, accepted <-chan net.Conn) (client, serverSide net.Conn) {
	t.Helper()
	client, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(r.port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	select {
	case serverSide = <-accepted:
	case <-time.After(integrationTimeout):
		t.Fatal("the connection never reached the backend")
	}
	return client, serverSide
}

// A removed server with an open connection stays (in maintenance) until
// drain_timeout, then its session is shut down and the server deleted.
func TestIntegrationDynamicDrain(t *testing.T) {
	r := startRealSetup(t)
	port, accepted := holdingBackend(t)
	held, other := live("", "127.0.0.1", port), live("", "127.0.0.1", 2999)
	r.updateReloading(t, r.service(t, "", held))
	reloads := r.reloads(t)
	client, _ := r.holdConnection(t, accepted)
	name := "127.0.0.1:" + strconv.Itoa(port)

	mustUpdate(t, r.g, r.service(t, "", other))
	if s, ok := r.servers(t)[name]; !ok || !s.AdminState.Maint() {
		t.Fatalf("draining server: %+v (present %v), want it in maintenance", s, ok)
	}
	r.clock.advance(time.Duration(r.cfg.DrainTimeout) / 2)
	if err := r.g.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.servers(t)[name]; !ok {
		t.Fatal("server deleted before its connection ended or the timeout")
	}
	r.clock.advance(time.Duration(r.cfg.DrainTimeout))
	testutil.Eventually(t, integrationTimeout, func() error {
		if err := r.g.Tick(context.Background()); err != nil {
			return err
		}
		if _, ok := r.servers(t)[name]; ok {
			return io.ErrNoProgress
		}
		return nil
	})
	client.SetReadDeadline(time.Now().Add(integrationTimeout))
	if _, err := client.Read(make([]byte, 1)); err == nil {
		t.Error("the client connection survived the drain timeout")
	}
	if got := r.reloads(t); got != reloads {
		t.Errorf("%d reloads, want none", got-reloads)
	}
}
