// Package redis implements the `redis` check: connect, `PING`, then `EXISTS
// nerve-redis-service-check`; healthy when both get a proper reply (the key
// need not exist). The EXISTS reaches the backend when nerve talks to a
// proxy such as twemproxy, which answers PING itself.
//
// The two commands are spoken with a few lines of RESP below rather than a
// Redis client library: a client would be a large dependency with its own
// pools and retries for two round trips on a connection used once.
package redis

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/smartstack-go/smartstack/internal/check"
)

// Config is the redis check's own section. It has no keys beyond the common
// ones; decoding into it lets the config layer warn about unknown keys.
type Config struct{}

// Check is one redis check; `timeout` bounds the connect and each write and
// read, as the original's client did.
type Check struct {
	addr    string
	timeout time.Duration
}

func init() { check.Register("redis", New) }

// New builds a redis check. A port is required.
func New(c check.Common, decode check.Decoder) (check.Check, error) {
	if decode != nil {
		if err := decode(&Config{}); err != nil {
			return nil, fmt.Errorf("redis check: %w", err)
		}
	}
	if err := check.RequirePort(c); err != nil {
		return nil, err
	}
	return &Check{addr: net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), timeout: c.Timeout}, nil
}

// Check runs one round on a new connection, closed whatever happens.
func (r *Check) Check(ctx context.Context) error {
	d := net.Dialer{Timeout: r.timeout}
	conn, err := d.DialContext(ctx, "tcp", r.addr)
	if err != nil {
		return fmt.Errorf("redis check: %w", err)
	}
	defer conn.Close()
	// Closing from another goroutine is how a blocked read learns that ctx
	// is done; the deferred Close then only reports "already closed".
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	s := session{conn: conn, br: bufio.NewReaderSize(conn, 512), timeout: r.timeout}
	if err := s.do(ping, isPong); err != nil {
		return fmt.Errorf("redis check: PING %s: %w", r.addr, withCtx(ctx, err))
	}
	if err := s.do(exists, isInteger); err != nil {
		return fmt.Errorf("redis check: EXISTS %s: %w", r.addr, withCtx(ctx, err))
	}
	return nil
}

// withCtx prefers ctx's reason over the "use of closed connection" that
// closing on ctx produces.
func withCtx(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	return err
}

// String is the target, for logs and test failures.
func (r *Check) String() string { return "redis " + r.addr }

var _ check.Check = (*Check)(nil)
