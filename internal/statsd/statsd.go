// Package statsd is a small DogStatsD client (`name:value|type|#k:v,k:v` over
// UDP) for the metrics the originals emit. Sending never blocks the daemon
// for long and never fails it: a lost metric is better than a stalled health
// check. A nil *Client is valid and does nothing, so callers need no checks.
package statsd

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config is the `statsd` block of both daemons' configs.
type Config struct {
	Host string
	Port int
}

// Options carries the logger; nil means discard.
type Options struct {
	Logger *slog.Logger
}

// Client sends metrics. Safe for concurrent use. Lines are gathered into
// datagrams of up to MaxPacket bytes, one per line (DogStatsD's multi-metric
// datagram), sent when full or FlushDelay after the first line: nerve emits
// two lines per service and round, and a datagram each cost it more than
// the checks themselves with hundreds of services (docs/benchmarks.md, "nerve").
type Client struct {
	mu     sync.Mutex
	conn   net.Conn
	buf    []byte
	timer  *time.Timer // runs flush; armed while buf holds lines
	armed  bool
	closed bool
	logger *slog.Logger
	errs   atomic.Int64
	warned atomic.Bool
}

const (
	// writeTimeout bounds a send; UDP writes do not normally block at all.
	writeTimeout = 50 * time.Millisecond
	// MaxPacket fits a datagram in one Ethernet frame, the size DogStatsD's
	// own clients use for UDP.
	MaxPacket = 1432
	// FlushDelay is the longest a line waits for others to share its datagram.
	FlushDelay = 100 * time.Millisecond
)

// New opens the UDP socket. Only address resolution can fail; the daemon
// logs that and runs without statsd.
func New(cfg Config, opts Options) (*Client, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	conn, err := net.Dial("udp", addr)
	if err != nil {
		return nil, fmt.Errorf("statsd %s: %w", addr, err)
	}
	return &Client{conn: conn, logger: opts.Logger}, nil
}

// Count adds value to a counter.
func (c *Client) Count(name string, value int64, tags ...string) {
	c.send(name, strconv.FormatInt(value, 10), "c", tags)
}

// Incr adds one to a counter.
func (c *Client) Incr(name string, tags ...string) { c.Count(name, 1, tags...) }

// Gauge sets a gauge.
func (c *Client) Gauge(name string, value float64, tags ...string) {
	c.send(name, strconv.FormatFloat(value, 'f', -1, 64), "g", tags)
}

// Timing records a duration in milliseconds.
func (c *Client) Timing(name string, d time.Duration, tags ...string) {
	ms := float64(d) / float64(time.Millisecond)
	c.send(name, strconv.FormatFloat(ms, 'f', -1, 64), "ms", tags)
}

// Errors is the number of failed sends, for tests and debugging.
func (c *Client) Errors() int64 {
	if c == nil {
		return 0
	}
	return c.errs.Load()
}

// Close sends what is buffered and releases the socket.
func (c *Client) Close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushLocked()
	c.closed = true
	return c.conn.Close()
}

// Tag formats one `k:v` tag.
func Tag(k, v string) string { return k + ":" + v }

func (c *Client) send(name, value, typ string, tags []string) {
	if c == nil {
		return
	}
	line := Format(name, value, typ, tags)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	if len(c.buf) > 0 && len(c.buf)+1+len(line) > MaxPacket {
		c.flushLocked()
	}
	if len(c.buf) > 0 {
		c.buf = append(c.buf, '\n')
	}
	c.buf = append(c.buf, line...)
	switch {
	case len(c.buf) >= MaxPacket: // a line too long to share a datagram
		c.flushLocked()
	case c.timer == nil:
		c.timer, c.armed = time.AfterFunc(FlushDelay, c.flush), true
	case !c.armed:
		c.timer.Reset(FlushDelay)
		c.armed = true
	}
}

func (c *Client) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushLocked()
}

// flushLocked sends the buffered lines as one datagram; c.mu is held.
func (c *Client) flushLocked() {
	if c.armed {
		c.timer.Stop()
		c.armed = false
	}
	if len(c.buf) == 0 || c.closed {
		return
	}
	_ = c.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := c.conn.Write(c.buf)
	c.buf = c.buf[:0]
	if err != nil {
		c.errs.Add(1)
		// One line, not one per metric: a dead agent would flood the log.
		if c.warned.CompareAndSwap(false, true) {
			c.logger.Warn("statsd send failed; further failures are not logged", "err", err)
		}
	}
}

// Format renders one DogStatsD line.
func Format(name, value, typ string, tags []string) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte(':')
	b.WriteString(value)
	b.WriteByte('|')
	b.WriteString(typ)
	if len(tags) > 0 {
		b.WriteString("|#")
		b.WriteString(strings.Join(tags, ","))
	}
	return b.String()
}
