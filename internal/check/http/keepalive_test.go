package http

import (
	"context"
	"fmt"
	"io"
	"net"
	nethttp "net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// connCounter is an httptest server counting new and closed connections.
func connCounter(t *testing.T, h nethttp.HandlerFunc) (srv *httptest.Server, opened, closed *atomic.Int32) {
	t.Helper()
	opened, closed = new(atomic.Int32), new(atomic.Int32)
	srv = httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s nethttp.ConnState) {
		switch s {
		case nethttp.StateNew:
			opened.Add(1)
		case nethttp.StateClosed, nethttp.StateHijacked:
			closed.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, opened, closed
}

func TestKeepAlive(t *testing.T) {
	var closeHeader atomic.Bool
	srv, opened, closed := connCounter(t, func(w nethttp.ResponseWriter, r *nethttp.Request) {
		closeHeader.Store(r.Close)
		if r.URL.Path == "/bye" {
			w.Header().Set("Connection", "close")
		}
		io.WriteString(w, "ok")
	})
	t.Run("one connection for every round", func(t *testing.T) {
		c := build(t, srv.URL, "uri: /\nkeep_alive: true\nexpect: ok", time.Second)
		for range 3 {
			if err := c.Check(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if n := opened.Load(); n != 1 {
			t.Fatalf("3 rounds opened %d connections, want 1", n)
		}
		if closeHeader.Load() {
			t.Fatal("request said Connection: close")
		}
		if err := c.(*Check).Close(); err != nil {
			t.Fatal(err)
		}
		testutil.Eventually(t, 5*time.Second, func() error {
			if n := closed.Load(); n != 1 {
				return fmt.Errorf("after Close the service saw %d connections closed, want 1", n)
			}
			return nil
		})
	})
	t.Run("the service's Connection: close is honoured", func(t *testing.T) {
		opened.Store(0)
		c := build(t, srv.URL, "uri: /bye\nkeep_alive: true", time.Second)
		for range 2 {
			if err := c.Check(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if n := opened.Load(); n != 2 {
			t.Fatalf("2 rounds opened %d connections, want 2", n)
		}
	})
}

// A service that closes the kept connection while it is idle costs a round
// nothing: the round reconnects once.
func TestKeepAliveClosedWhileIdle(t *testing.T) {
	// Keep-alive is announced (HTTP/1.1, no Connection: close), then the
	// connection is closed anyway.
	url, _ := rawServer(t, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	c := build(t, url, "uri: /\nkeep_alive: true", time.Second)
	for i := range 3 {
		if err := c.Check(context.Background()); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
	}
}

// When the service is gone the round fails, with the new connection's
// error.
func TestKeepAliveServiceGone(t *testing.T) {
	srv, _, _ := connCounter(t, func(w nethttp.ResponseWriter, _ *nethttp.Request) { io.WriteString(w, "ok") })
	c := build(t, srv.URL, "uri: /\nkeep_alive: true", time.Second)
	if err := c.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv.CloseClientConnections()
	srv.Close()
	if err := c.Check(context.Background()); err == nil {
		t.Fatal("want an error once the service is gone")
	}
}

func TestKeepAliveTLS(t *testing.T) {
	var opened atomic.Int32
	srv := httptest.NewUnstartedServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		if r.TLS == nil {
			t.Error("request did not arrive over TLS")
		}
		io.WriteString(w, "secure ok")
	}))
	srv.Config.ConnState = func(_ net.Conn, s nethttp.ConnState) {
		if s == nethttp.StateNew {
			opened.Add(1)
		}
	}
	srv.StartTLS()
	defer srv.Close()
	c := build(t, srv.URL, "uri: /\nssl: true\nkeep_alive: true\nexpect: secure ok", time.Second)
	defer c.(*Check).Close()
	for range 3 {
		if err := c.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := opened.Load(); n != 1 {
		t.Fatalf("3 rounds opened %d TLS connections, want 1", n)
	}
}
