package statsd

import (
	"net"
	"testing"
	"time"
)

func listen(t *testing.T) (*net.UDPConn, int) {
	t.Helper()
	pc, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc, pc.LocalAddr().(*net.UDPAddr).Port
}

func TestSend(t *testing.T) {
	pc, port := listen(t)
	c, err := New(Config{Host: "127.0.0.1", Port: port}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, tc := range []struct {
		name string
		send func()
		want string
	}{
		{"counter", func() { c.Incr("nerve.start") }, "nerve.start:1|c"},
		{"counter tags", func() { c.Count("nerve.watcher.launch", 2, Tag("launch_reason", "new"), Tag("watcher_name", "a")) },
			"nerve.watcher.launch:2|c|#launch_reason:new,watcher_name:a"},
		{"gauge", func() { c.Gauge("nerve.reporter.zk.child.bytes", 1.5) }, "nerve.reporter.zk.child.bytes:1.5|g"},
		{"timer", func() { c.Timing("nerve.main_loop.elapsed_time", 1500*time.Microsecond) }, "nerve.main_loop.elapsed_time:1.5|ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.send()
			buf := make([]byte, 512)
			_ = pc.SetReadDeadline(time.Now().Add(2 * time.Second))
			n, _, err := pc.ReadFromUDP(buf)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(buf[:n]); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// A nil client and an agent that is not listening must both be harmless.
func TestNeverFails(t *testing.T) {
	var nilc *Client
	nilc.Incr("x")
	nilc.Timing("x", time.Second)
	if err := nilc.Close(); err != nil {
		t.Fatal(err)
	}
	pc, port := listen(t)
	pc.Close()
	c, err := New(Config{Host: "127.0.0.1", Port: port}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	for range 100 {
		c.Incr("x")
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("sends to a dead agent took %s", d)
	}
}

func TestBadAddress(t *testing.T) {
	if _, err := New(Config{Host: "no such host..invalid", Port: 1}, Options{}); err == nil {
		t.Fatal("want error")
	}
}
