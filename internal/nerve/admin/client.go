package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/smartstack-go/smartstack/internal/adminsock"
)

// Client talks to a nerve's admin socket. Errors from the socket itself
// (missing, permission denied: syscall.ENOENT, syscall.EACCES) are
// wrapped, so errors.Is finds them; a refused service name comes back as
// *UnknownServiceError.
type Client struct {
	sock *adminsock.Client
	hc   *http.Client
}

// NewClient returns a client of the socket at path; nothing connects yet.
func NewClient(path string) *Client {
	sock := adminsock.NewClient("nerve", path)
	return &Client{sock: sock, hc: sock.HTTP}
}

// Status is every configured service's state, sorted by name.
func (c *Client) Status(ctx context.Context) ([]ServiceStatus, error) {
	var res StatusResult
	if err := c.do(ctx, http.MethodGet, PathStatus, nil, &res); err != nil {
		return nil, err
	}
	return res.Services, nil
}

// MaintenanceDown takes service (or All) out of rotation; nerve reports it
// down at once and keeps it down across restarts until MaintenanceUp.
// A positive dur ends it by itself after that long, across restarts too.
func (c *Client) MaintenanceDown(ctx context.Context, service, reason string, dur time.Duration) (MaintenanceResult, error) {
	req := MaintenanceRequest{Reason: reason}
	if dur > 0 {
		req.For = dur.String()
	}
	var res MaintenanceResult
	err := c.do(ctx, http.MethodPost, PathMaintenance+url.PathEscape(service), req, &res)
	return res, err
}

// SetWeight changes service's registered weight live, in steps from 1
// over ramp when ramp is positive.
func (c *Client) SetWeight(ctx context.Context, service string, weight int, ramp time.Duration) (WeightResult, error) {
	req := WeightRequest{Weight: &weight}
	if ramp > 0 {
		req.Ramp = ramp.String()
	}
	var res WeightResult
	err := c.do(ctx, http.MethodPut, PathWeight+url.PathEscape(service), req, &res)
	return res, err
}

// ResetWeight drops service's live weight: the configured one applies.
func (c *Client) ResetWeight(ctx context.Context, service string) (WeightResult, error) {
	var res WeightResult
	err := c.do(ctx, http.MethodDelete, PathWeight+url.PathEscape(service), nil, &res)
	return res, err
}

// MaintenanceUp ends service's (or All's) maintenance; its checks decide
// again from the next round, which runs at once.
func (c *Client) MaintenanceUp(ctx context.Context, service string) (MaintenanceResult, error) {
	var res MaintenanceResult
	err := c.do(ctx, http.MethodDelete, PathMaintenance+url.PathEscape(service), nil, &res)
	return res, err
}

func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	err := c.sock.Do(ctx, method, path, body, out)
	var answer *adminsock.StatusError
	if errors.As(err, &answer) {
		return answerError(answer.Code, answer.Body)
	}
	return err
}

func answerError(code int, body []byte) error {
	var e ErrorResult
	if json.Unmarshal(body, &e) != nil || e.Error == "" {
		return fmt.Errorf("nerve admin socket: %d %s", code, bytes.TrimSpace(body))
	}
	switch {
	case code == http.StatusNotFound && e.Service != "":
		return &UnknownServiceError{Service: e.Service, Known: e.Known}
	case code == http.StatusConflict:
		return Unavailable(e.Error)
	}
	return fmt.Errorf("nerve: %s", e.Error)
}
