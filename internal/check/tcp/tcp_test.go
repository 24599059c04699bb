package tcp

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/check"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func decoder(src string) check.Decoder {
	return func(into any) error { return yaml.Unmarshal([]byte(src), into) }
}

func common(host string, port int, timeout time.Duration) check.Common {
	return check.Common{Type: "tcp", Host: host, Port: port, Timeout: timeout, Rise: 1, Fall: 1}
}

func listen(t *testing.T, network, addr string) int {
	t.Helper()
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	t.Cleanup(func() { l.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// closedPort is a loopback port that was just released, so nothing listens.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestCheck(t *testing.T) {
	open := listen(t, "tcp4", "127.0.0.1:0")
	closed := closedPort(t)
	tests := []struct {
		name    string
		host    string
		port    int
		wantErr string
	}{
		{"listening port is healthy", "127.0.0.1", open, ""},
		{"host name is resolved", "localhost", open, ""},
		{"closed port is unhealthy", "127.0.0.1", closed, "connection refused"},
		{"unresolvable host is unhealthy", "no-such-host.invalid", open, "resolve no-such-host.invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := check.New(common(tc.host, tc.port, time.Second), decoder("type: tcp"))
			if err != nil {
				t.Fatal(err)
			}
			err = c.Check(context.Background())
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("want healthy, got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestCheckIPv6(t *testing.T) {
	l, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback on this host: %v", err)
	}
	defer l.Close()
	c, err := New(common("::1", l.Addr().(*net.TCPAddr).Port, time.Second), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Check(context.Background()); err != nil {
		t.Fatalf("IPv6 listener: want healthy, got %v", err)
	}
}

func TestCheckTimeout(t *testing.T) {
	port := testutil.BlackholePort(t)
	c, err := New(common("127.0.0.1", port, 100*time.Millisecond), nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = c.Check(context.Background())
	elapsed := time.Since(start)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("want a timeout error, got %v", err)
	}
	if elapsed < 90*time.Millisecond || elapsed > time.Second {
		t.Fatalf("check took %s, want about the 100ms timeout", elapsed)
	}
}

func TestCheckHonoursContext(t *testing.T) {
	port := testutil.BlackholePort(t)
	c, err := New(common("127.0.0.1", port, time.Minute), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := c.Check(ctx); err == nil {
		t.Fatal("want an error when ctx expires")
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Fatalf("check ignored ctx: took %s", elapsed)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		port int
		want string
	}{
		{"missing port", 0, "missing required argument 'port' in tcp check"},
		{"port out of range", 70000, "port must be at most 65535 in tcp check, got 70000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := check.New(common("127.0.0.1", tc.port, time.Second), decoder("type: tcp"))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestNewDecodeError(t *testing.T) {
	bad := func(any) error { return errors.New("boom") }
	_, err := New(common("127.0.0.1", 1, time.Second), bad)
	if err == nil || err.Error() != "tcp check: boom" {
		t.Fatalf("got %v, want the decoder's error wrapped", err)
	}
}
