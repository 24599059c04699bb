package testutil

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// startEchoServer echoes lines back until the test ends.
func startEchoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

func echoOnce(c net.Conn, msg string, wait time.Duration) (string, error) {
	if err := c.SetDeadline(time.Now().Add(wait)); err != nil {
		return "", err
	}
	if _, err := io.WriteString(c, msg+"\n"); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line), err
}

func TestTCPProxyForwardsBlocksAndResumes(t *testing.T) {
	p := NewTCPProxy(t, startEchoServer(t))
	if !strings.HasPrefix(p.Addr(), "127.0.0.1:") {
		t.Fatalf("proxy listens on %s, want loopback", p.Addr())
	}
	live, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	if got, err := echoOnce(live, "a", 2*time.Second); err != nil || got != "a" {
		t.Fatalf("echo through proxy = %q, %v; want a", got, err)
	}

	p.Block()
	if _, err := echoOnce(live, "cut", 2*time.Second); err == nil {
		t.Fatal("a live connection still echoes after Block, want it cut")
	}
	held, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatalf("dial while blocked: %v (want accepted and held)", err)
	}
	defer held.Close()
	_, err = echoOnce(held, "b", 150*time.Millisecond)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("held connection got %v, want a read timeout (nothing forwarded)", err)
	}

	p.Unblock()
	if err := held.SetDeadline(time.Now().Add(2 * time.Second)); err != nil {
		t.Fatal(err)
	}
	// "b" was written while held; it reaches the server once forwarded.
	line, err := bufio.NewReader(held).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "b" {
		t.Fatalf("held connection after Unblock read %q, %v; want b", line, err)
	}
}

func TestTCPProxyCloseCutsAndRefuses(t *testing.T) {
	p := NewTCPProxy(t, startEchoServer(t))
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got, err := echoOnce(c, "x", 2*time.Second); err != nil || got != "x" {
		t.Fatalf("echo = %q, %v", got, err)
	}
	p.Close()
	if _, err := echoOnce(c, "y", 2*time.Second); err == nil {
		t.Fatal("connection survived Close")
	}
	if c2, err := net.Dial("tcp", p.Addr()); err == nil {
		c2.Close()
		t.Fatal("proxy still accepts after Close")
	}
	p.Close() // idempotent
}

func TestTCPProxyUnreachableTargetEndsClient(t *testing.T) {
	p := NewTCPProxy(t, "127.0.0.1:"+itoa(FreePort(t)))
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// EOF or a reset (the unread "z" makes close send RST); never a timeout.
	if _, err := echoOnce(c, "z", 2*time.Second); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("got %v, want the connection ended when the target refuses", err)
	}
}
