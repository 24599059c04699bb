package testutil

import (
	"net"
	"sync"
	"testing"
)

// SilentListener returns the host:port of a loopback listener that accepts
// every connection and never writes a byte: a server that stopped
// answering, for timeout tests (a connect succeeds, unlike BlackholePort).
// The listener and its connections are closed on cleanup.
func SilentListener(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}
