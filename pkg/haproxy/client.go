package haproxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultTimeout bounds one call (dial, write, read) when New gets no
// WithTimeout. A stuck HAProxy must not stall the caller's update loop for
// long; a healthy one answers in milliseconds even for a large "show stat".
const DefaultTimeout = 5 * time.Second

// maxAnswer caps what one call reads, so a misbehaving peer cannot make us
// buffer without bound. "show stat" of tens of thousands of servers is a few
// MiB.
const maxAnswer = 64 << 20

// Client talks to one HAProxy runtime-API socket. Several sockets (nbproc,
// or master and worker sockets) are several Clients. A Client is safe for
// concurrent use; it holds no connection between calls.
type Client struct {
	path    string
	timeout time.Duration
	framing atomic.Int32 // how Exec splits answers, learned on first batch
}

// Option configures a Client.
type Option func(*Client)

// WithTimeout bounds every call on top of the caller's context. Zero or
// negative leaves only the context in charge.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) { c.timeout = d }
}

// New returns a Client for the UNIX socket at path. It does not connect.
func New(path string, opts ...Option) *Client {
	c := &Client{path: path, timeout: DefaultTimeout}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Path returns the socket path the Client talks to.
func (c *Client) Path() string { return c.path }

// Run sends one command on a fresh connection and returns HAProxy's answer
// without trailing newlines. When the answer is not the command's success
// answer (see CheckAnswer) the error is a *CommandError and the answer is
// still returned.
func (c *Client) Run(ctx context.Context, cmd string) (string, error) {
	if err := validateCommand(cmd); err != nil {
		return "", err
	}
	raw, err := c.roundTrip(ctx, cmd)
	if err != nil {
		return "", err
	}
	answer := trimAnswer(raw)
	return answer, CheckAnswer(cmd, answer)
}

// roundTrip writes line, half-closes and reads to EOF.
func (c *Client) roundTrip(ctx context.Context, line string) (answer string, err error) {
	err = c.stream(ctx, line, func(r io.Reader) error {
		answer, err = readAnswer(r)
		return err
	})
	return answer, err
}

// stream writes line, half-closes and hands the connection's answer to
// read, which reads it to EOF. The half-close matters for the master CLI,
// which keeps the connection open until it sees EOF; the stats socket does
// not mind it. An answer longer than maxAnswer is an error, however read
// reads it.
func (c *Client) stream(ctx context.Context, line string, read func(io.Reader) error) error {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", c.path)
	if err != nil {
		return c.ioError(ctx, "dial", err)
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	// A cancel without a deadline must also unblock a read that HAProxy
	// never answers.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if _, err := io.WriteString(conn, line+"\n"); err != nil {
		return c.ioError(ctx, "write", err)
	}
	if uc, ok := conn.(*net.UnixConn); ok {
		_ = uc.CloseWrite()
	}
	lr := &io.LimitedReader{R: conn, N: maxAnswer + 1}
	if err := read(lr); err != nil {
		return c.ioError(ctx, "read", err)
	}
	if lr.N <= 0 {
		return fmt.Errorf("haproxy %s: answer larger than %d bytes", c.path, maxAnswer)
	}
	return nil
}

// readAnswer reads r to its end. "show stat" of 50,000 servers is about
// 12 MB, read every few seconds: io.ReadAll, growing its buffer by a
// quarter at a time, and the copy into a string allocated 3.2 to 3.6
// times the answer per read. Chunks twice as large each time (to 1 MiB),
// copied once into a string of the exact size, allocate about twice it.
func readAnswer(r io.Reader) (string, error) {
	var chunks [][]byte
	total, size := 0, 512
	for {
		buf := make([]byte, size)
		n, err := io.ReadFull(r, buf)
		chunks, total = append(chunks, buf[:n]), total+n
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return "", err
		}
		size = min(2*size, 1<<20)
	}
	var sb strings.Builder
	sb.Grow(total)
	for _, c := range chunks {
		sb.Write(c)
	}
	return sb.String(), nil
}

// ioError names the socket and the step, and reports a deadline as
// context.DeadlineExceeded whichever of the context or the connection
// deadline fired first, so callers need only one errors.Is check.
func (c *Client) ioError(ctx context.Context, op string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("haproxy %s: %s: %w", c.path, op, ctxErr)
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("haproxy %s: %s: %w", c.path, op, context.DeadlineExceeded)
	}
	return fmt.Errorf("haproxy %s: %s: %w", c.path, op, err)
}

// trimAnswer drops the end-of-answer newline(s); the text itself keeps its
// inner line breaks.
func trimAnswer(raw string) string { return strings.TrimRight(raw, "\n") }
