package admin

import (
	"context"
	"net/http"

	"github.com/smartstack-go/smartstack/internal/adminsock"
)

// Client talks to a synapse's admin socket. Errors from the socket itself
// (missing, permission denied: syscall.ENOENT, syscall.EACCES) are
// wrapped, so errors.Is finds them.
type Client struct{ sock *adminsock.Client }

// NewClient returns a client of the socket at path; nothing connects yet.
func NewClient(path string) *Client { return &Client{sock: adminsock.NewClient("synapse", path)} }

// Status is the running synapse's picture, HAProxy's live state included.
func (c *Client) Status(ctx context.Context) (StatusResult, error) {
	var res StatusResult
	err := c.sock.Do(ctx, http.MethodGet, PathStatus, nil, &res)
	return res, err
}
