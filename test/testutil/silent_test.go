package testutil

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"
)

func TestSilentListener(t *testing.T) {
	c, err := net.Dial("tcp", SilentListener(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("hello?\n")); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if n, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read %d bytes, %v; want nothing until the deadline", n, err)
	}
}
