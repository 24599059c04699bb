package testutil

import (
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// BlackholePort returns a loopback port whose SYNs are dropped, so a connect
// really times out: a listen backlog of 0 holds one connection, and Linux
// drops SYNs while the accept queue is full.
func BlackholePort(t testing.TB) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("bind: %v", err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatalf("listen: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("getsockname: %v", err)
	}
	port := sa.(*syscall.SockaddrInet4).Port
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	for i := 0; i < 8; i++ {
		c, err := net.DialTimeout("tcp", addr, 50*time.Millisecond)
		if err != nil {
			return port // the queue is full: this connect timed out
		}
		t.Cleanup(func() { c.Close() })
	}
	t.Fatalf("accept queue of %s never filled", addr)
	return 0
}
