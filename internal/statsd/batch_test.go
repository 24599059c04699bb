package statsd

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

func dial(t *testing.T, port int) *Client {
	t.Helper()
	c, err := New(Config{Host: "127.0.0.1", Port: port}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// read returns the next datagram, failing after wait.
func read(t *testing.T, pc *net.UDPConn, wait time.Duration) string {
	t.Helper()
	buf := make([]byte, 65536)
	_ = pc.SetReadDeadline(time.Now().Add(wait))
	n, _, err := pc.ReadFromUDP(buf)
	if err != nil {
		t.Fatalf("no datagram within %s: %v", wait, err)
	}
	return string(buf[:n])
}

// Lines sent together share datagrams, none above MaxPacket, in order.
func TestBatching(t *testing.T) {
	pc, port := listen(t)
	c := dial(t, port)
	const n = 200
	var want []string
	for i := range n {
		line := fmt.Sprintf("nerve.watcher.status.ping.count:1|c|#ping_result:success,service_name:svc%04d", i)
		want = append(want, line)
		c.Incr(strings.SplitN(line, ":", 2)[0], "ping_result:success", fmt.Sprintf("service_name:svc%04d", i))
	}
	var got []string
	datagrams := 0
	for len(got) < n {
		d := read(t, pc, 2*time.Second)
		if len(d) > MaxPacket {
			t.Fatalf("datagram of %d bytes, want at most %d", len(d), MaxPacket)
		}
		datagrams++
		got = append(got, strings.Split(d, "\n")...)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("lines differ:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if max := n/(MaxPacket/(len(want[0])+1)) + 1; datagrams > max {
		t.Fatalf("%d lines took %d datagrams, want at most %d", n, datagrams, max)
	}
}

func TestFlush(t *testing.T) {
	t.Run("a lone line after FlushDelay", func(t *testing.T) {
		pc, port := listen(t)
		c := dial(t, port)
		start := time.Now()
		c.Incr("a")
		if d := read(t, pc, 2*time.Second); d != "a:1|c" {
			t.Fatalf("got %q", d)
		}
		if el := time.Since(start); el < FlushDelay/2 {
			t.Fatalf("sent after %s, want it held about %s for company", el, FlushDelay)
		}
	})
	t.Run("Close sends what is buffered", func(t *testing.T) {
		pc, port := listen(t)
		c := dial(t, port)
		c.Incr("a")
		c.Incr("b")
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		if d := read(t, pc, FlushDelay/2); d != "a:1|c\nb:1|c" {
			t.Fatalf("got %q", d)
		}
		c.Incr("after close") // dropped, not a panic
	})
	t.Run("a line longer than MaxPacket goes alone at once", func(t *testing.T) {
		pc, port := listen(t)
		c := dial(t, port)
		c.Incr("short")
		long := strings.Repeat("x", MaxPacket)
		c.Incr(long)
		if d := read(t, pc, FlushDelay/2); d != "short:1|c" {
			t.Fatalf("first datagram %q, want the short line alone", d)
		}
		if d := read(t, pc, FlushDelay/2); d != long+":1|c" {
			t.Fatalf("second datagram has %d bytes, want the long line", len(d))
		}
	})
}
