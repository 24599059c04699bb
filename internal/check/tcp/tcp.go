// Package tcp implements the `tcp` check: healthy when a TCP connection to
// host:port is established within the check's timeout. Nothing is sent and
// the connection is closed at once, as in the original.
package tcp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/smartstack-go/smartstack/internal/check"
)

// Config is the tcp check's own section. It has no keys beyond the common
// ones; decoding into it lets the config layer warn about unknown keys.
type Config struct{}

// Check dials host:port once per round.
type Check struct {
	host    string
	port    uint16
	timeout time.Duration
}

func init() { check.Register("tcp", New) }

// New builds a tcp check. Only a port is required.
func New(c check.Common, decode check.Decoder) (check.Check, error) {
	if decode != nil {
		if err := decode(&Config{}); err != nil {
			return nil, fmt.Errorf("tcp check: %w", err)
		}
	}
	if err := check.RequirePort(c); err != nil {
		return nil, err
	}
	if c.Port > 65535 {
		return nil, fmt.Errorf("port must be at most 65535 in tcp check, got %d", c.Port)
	}
	return &Check{host: c.Host, port: uint16(c.Port), timeout: c.Timeout}, nil
}

// Check resolves the host and connects. Differences from the original, both
// fixes: the original resolved the host once at startup and used an IPv4
// socket only, so a changed DNS record was never seen and an IPv6 address
// could never be healthy. We resolve every round and try each address, IPv6
// included. Resolution is bounded by ctx only, not by the timeout: the
// original's timeout never covered DNS, and a 0.1 s default would turn a
// slow resolver into a flapping service.
func (c *Check) Check(ctx context.Context) error {
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", c.host)
	if err != nil {
		return fmt.Errorf("tcp check: resolve %s: %w", c.host, err)
	}
	var errs []error
	for _, ip := range addrs {
		err := c.dial(ctx, netip.AddrPortFrom(ip.Unmap(), c.port).String())
		if err == nil {
			return nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return fmt.Errorf("tcp check: %w", errors.Join(errs...))
}

func (c *Check) dial(ctx context.Context, addr string) error {
	d := net.Dialer{Timeout: c.timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connect %s: %w", addr, err)
	}
	// The handshake completed, which is all the check asks; a close error
	// says nothing about the service.
	_ = conn.Close()
	return nil
}

// String is the target, for logs and test failures.
func (c *Check) String() string {
	return "tcp " + net.JoinHostPort(c.host, strconv.Itoa(int(c.port)))
}

var _ check.Check = (*Check)(nil)
