package redis

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/check"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func build(t *testing.T, port int, timeout time.Duration) check.Check {
	t.Helper()
	c, err := check.New(check.Common{Type: "redis", Host: "127.0.0.1", Port: port, Timeout: timeout},
		func(any) error { return nil })
	if err != nil {
		t.Fatalf("new redis check: %v", err)
	}
	return c
}

// info runs INFO <section> on its own connection, authenticated with pass
// when that is set, and returns the value of field, e.g. connected_clients.
func info(t *testing.T, addr, pass, section, field string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	br := bufio.NewReader(c)
	if pass != "" {
		fmt.Fprintf(c, "AUTH %s\r\n", pass)
		if line, err := br.ReadString('\n'); err != nil || line != "+OK\r\n" {
			t.Fatalf("AUTH reply %q: %v", line, err)
		}
	}
	fmt.Fprintf(c, "INFO %s\r\n", section)
	head, err := br.ReadString('\n')
	if err != nil || head[0] != '$' {
		t.Fatalf("INFO reply %q: %v", head, err)
	}
	n, _ := strconv.Atoi(strings.TrimSpace(head[1:]))
	body := make([]byte, n)
	if _, err := io.ReadFull(br, body); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(field) + `:(\S*)`).FindSubmatch(body)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// noFinalizers turns the GC off for the test: a connection the check leaked
// would otherwise be closed by its finalizer and onlyInfoClient would pass.
func noFinalizers(t *testing.T) {
	old := debug.SetGCPercent(-1)
	t.Cleanup(func() { debug.SetGCPercent(old) })
}

// onlyInfoClient waits until the check's connection is gone: the INFO
// connection itself is the one client left.
func onlyInfoClient(t *testing.T, addr, pass string) {
	t.Helper()
	testutil.Eventually(t, 5*time.Second, func() error {
		if n := info(t, addr, pass, "clients", "connected_clients"); n != "1" {
			return fmt.Errorf("connected_clients %s, want 1: the check left its connection open", n)
		}
		return nil
	})
}

// calls is how often the server ran cmd, from INFO commandstats.
func calls(t *testing.T, addr, cmd string) int {
	t.Helper()
	stats := info(t, addr, "", "commandstats", "cmdstat_"+cmd) // calls=2,usec=...
	n, _ := strconv.Atoi(strings.TrimPrefix(strings.Split(stats, ",")[0], "calls="))
	return n
}

func TestHealthy(t *testing.T) {
	noFinalizers(t)
	r := testutil.StartRedis(t)
	pings := calls(t, r.Addr(), "ping")
	if err := build(t, r.Port, time.Second).Check(context.Background()); err != nil {
		t.Fatalf("want healthy, got %v", err)
	}
	// Both commands reached the server.
	if n := calls(t, r.Addr(), "ping"); n != pings+1 {
		t.Fatalf("PING calls went from %d to %d, want one more", pings, n)
	}
	if n := calls(t, r.Addr(), "exists"); n != 1 {
		t.Fatalf("EXISTS calls %d, want 1", n)
	}
	onlyInfoClient(t, r.Addr(), "")
}

func TestErrorReply(t *testing.T) {
	noFinalizers(t)
	r := testutil.StartRedis(t, "--requirepass", "secret")
	err := build(t, r.Port, time.Second).Check(context.Background())
	if err == nil || !strings.Contains(err.Error(), "PING "+r.Addr()+": server error: NOAUTH") {
		t.Fatalf("got %v, want the NOAUTH error", err)
	}
	onlyInfoClient(t, r.Addr(), "secret")
}

func TestStopped(t *testing.T) {
	r := testutil.StartRedis(t)
	if err := r.Stop(); err != nil {
		t.Fatal(err)
	}
	err := build(t, r.Port, time.Second).Check(context.Background())
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("got %v, want connection refused", err)
	}
}

// A hung server (SIGSTOP: the kernel still accepts) times out the PING and
// the connection is closed anyway.
func TestPingTimeout(t *testing.T) {
	noFinalizers(t)
	r := testutil.StartRedis(t)
	if err := r.Pause(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err := build(t, r.Port, 100*time.Millisecond).Check(context.Background())
	elapsed := time.Since(start)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || !strings.Contains(err.Error(), "PING") {
		t.Fatalf("got %v, want a PING timeout", err)
	}
	if elapsed < 90*time.Millisecond || elapsed > time.Second {
		t.Fatalf("failed after %s, want about the 100ms timeout", elapsed)
	}
	if err := r.Resume(); err != nil {
		t.Fatal(err)
	}
	onlyInfoClient(t, r.Addr(), "")
}

func TestContextCancels(t *testing.T) {
	r := testutil.StartRedis(t)
	if err := r.Pause(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := build(t, r.Port, time.Minute).Check(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want ctx's deadline", err)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Fatalf("check ignored ctx: took %s", elapsed)
	}
}

func TestMissingPort(t *testing.T) {
	_, err := check.New(check.Common{Type: "redis", Host: "127.0.0.1"}, nil)
	if err == nil || err.Error() != "missing required argument 'port' in redis check" {
		t.Fatalf("got %v, want the original's message", err)
	}
}
