package adminsock

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// Client sends JSON requests to an admin socket. Errors from the socket
// itself (missing, permission denied: syscall.ENOENT, syscall.EACCES) are
// wrapped, so errors.Is finds them; an answer that is not 2xx is a
// *StatusError for the daemon's package to interpret.
type Client struct {
	daemon, path string
	// HTTP dials the socket whatever the request's host.
	HTTP *http.Client
}

// NewClient returns a client of daemon's socket at path; nothing connects
// yet. daemon names the socket in errors.
func NewClient(daemon, path string) *Client {
	var d net.Dialer
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "unix", path)
		},
		DisableKeepAlives: true,
	}
	return &Client{daemon: daemon, path: path, HTTP: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// Path is the socket's path.
func (c *Client) Path() string { return c.path }

// StatusError is an answer that is not 2xx, with its body.
type StatusError struct {
	Code int
	Body []byte
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("admin socket: %d %s", e.Code, bytes.TrimSpace(e.Body))
}

// Do sends body (nil: none) as JSON to route and decodes the answer into
// out.
func (c *Client) Do(ctx context.Context, method, route string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	// The host is never dialled: DialContext always opens the socket.
	req, err := http.NewRequestWithContext(ctx, method, "http://"+c.daemon+route, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("%s admin socket %s: %w", c.daemon, c.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("%s admin socket %s: %w", c.daemon, c.path, err)
	}
	if resp.StatusCode/100 != 2 {
		return &StatusError{Code: resp.StatusCode, Body: b}
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s admin socket %s: answer: %w", c.daemon, c.path, err)
	}
	return nil
}
