package e2e

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// notifySocket is a datagram socket standing in for systemd's
// $NOTIFY_SOCKET. It records every message; onReady runs in the reader
// the moment a READY=1 arrives, so it sees the world as the daemon left
// it when it declared itself ready.
type notifySocket struct {
	path    string
	conn    *net.UnixConn
	onReady func() error
	done    chan struct{}

	mu       sync.Mutex
	msgs     []string
	readyErr []error // onReady's result for each READY=1
}

func newNotifySocket(t *testing.T, onReady func() error) *notifySocket {
	t.Helper()
	// Short: sun_path holds 108 bytes, test temp dirs can be longer.
	dir, err := os.MkdirTemp("", "sd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	n := &notifySocket{path: filepath.Join(dir, "notify"), onReady: onReady, done: make(chan struct{})}
	n.conn, err = net.ListenUnixgram("unixgram", &net.UnixAddr{Name: n.path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	go n.read()
	t.Cleanup(func() { n.conn.Close(); <-n.done })
	return n
}

func (n *notifySocket) read() {
	defer close(n.done)
	buf := make([]byte, 64<<10)
	for {
		k, err := n.conn.Read(buf)
		if err != nil {
			return
		}
		msg := string(buf[:k])
		var rerr error
		if hasField(msg, "READY", "1") && n.onReady != nil {
			rerr = n.onReady()
		}
		n.mu.Lock()
		n.msgs = append(n.msgs, msg)
		if hasField(msg, "READY", "1") {
			n.readyErr = append(n.readyErr, rerr)
		}
		n.mu.Unlock()
	}
}

// env is the environment a daemon under systemd gets: the socket, and a
// watchdog of watchdog (WATCHDOG_PID unset: any process may ping).
func (n *notifySocket) env(watchdog time.Duration) []string {
	return []string{"NOTIFY_SOCKET=" + n.path, fmt.Sprintf("WATCHDOG_USEC=%d", watchdog.Microseconds())}
}

func (n *notifySocket) messages() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.msgs...)
}

// field returns the value of key in a notify message.
func field(msg, key string) (string, bool) {
	for _, line := range strings.Split(msg, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

func hasField(msg, key, value string) bool {
	v, ok := field(msg, key)
	return ok && v == value
}

// events are the state changes among the messages, in order: READY,
// RELOADING and STOPPING, each with the STATUS sent with it. Watchdog
// pings and bare status lines are left out.
func events(msgs []string) []string {
	var out []string
	for _, m := range msgs {
		st, _ := field(m, "STATUS")
		for _, k := range []string{"RELOADING", "READY", "STOPPING"} {
			if hasField(m, k, "1") {
				out = append(out, k+": "+st)
			}
		}
	}
	return out
}

// wantEvents waits until the events are exactly want, each entry being
// the event name and a substring of its status.
func (n *notifySocket) wantEvents(t *testing.T, want ...[2]string) {
	t.Helper()
	testutil.Eventually(t, 20*time.Second, func() error {
		got := events(n.messages())
		if len(got) != len(want) {
			return fmt.Errorf("events %q, want %d of them: %q", got, len(want), want)
		}
		for i, w := range want {
			name, status, _ := strings.Cut(got[i], ": ")
			if name != w[0] || !strings.Contains(status, w[1]) {
				return fmt.Errorf("event %d is %q, want %s with status containing %q (all: %q)", i, got[i], w[0], w[1], got)
			}
		}
		return nil
	})
}

// wantReadyChecks fails the test if an onReady check failed.
func (n *notifySocket) wantReadyChecks(t *testing.T) {
	t.Helper()
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.readyErr) == 0 {
		t.Fatal("no READY=1")
	}
	if err := errors.Join(n.readyErr...); err != nil {
		t.Fatalf("state when READY=1 arrived: %v", err)
	}
}

// wantWatchdog waits for at least k more WATCHDOG=1 pings.
func (n *notifySocket) wantWatchdog(t *testing.T, k int) {
	t.Helper()
	count := func() int {
		c := 0
		for _, m := range n.messages() {
			if hasField(m, "WATCHDOG", "1") {
				c++
			}
		}
		return c
	}
	start := count()
	testutil.Eventually(t, 10*time.Second, func() error {
		if got := count() - start; got < k {
			return fmt.Errorf("%d new WATCHDOG=1, want %d", got, k)
		}
		return nil
	})
}

// firstStatus is the first message's STATUS: the daemon says what it does
// before it is ready.
func (n *notifySocket) wantStatusBeforeReady(t *testing.T) {
	t.Helper()
	for _, m := range n.messages() {
		if hasField(m, "READY", "1") {
			t.Fatalf("READY=1 came before any status line: %q", n.messages())
		}
		if _, ok := field(m, "STATUS"); ok {
			return
		}
	}
	t.Fatalf("no STATUS= line: %q", n.messages())
}

// waitExit waits for p to exit and returns its exit code.
func waitExit(t *testing.T, p *daemonProc, within time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(within):
		t.Fatalf("did not exit within %s", within)
	}
	return p.cmd.ProcessState.ExitCode()
}
