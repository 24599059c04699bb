// Package etcdv2 is the small etcd v2 keys API client that nerve's etcd
// reporter and synapse's etcd watcher share. The v2 API is a handful of
// form-encoded REST calls, so it speaks them over plain net/http: etcd's
// own v2 Go client (go.etcd.io/etcd/client/v2) is deprecated and would pull
// the etcd module tree into both daemons for a few requests.
//
// Answers are untrusted input: bodies are read up to a bound and decoded
// into the fields the callers use, nothing else.
package etcdv2

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Error codes of etcd v2 the callers act on.
const (
	CodeKeyNotFound       = 100 // EcodeKeyNotFound
	CodeEventIndexCleared = 401 // EcodeEventIndexCleared: waitIndex fell out of etcd's 1000-event history
)

// ErrUnavailable marks a transient failure: the transport failed, or etcd
// answered 5xx (no leader, raft timeouts). A 4xx is an APIError only.
var ErrUnavailable = errors.New("etcd unavailable")

// Node is a v2 keys node; a dir has Nodes (with recursive=true, all the
// way down).
type Node struct {
	Key           string `json:"key"`
	Value         string `json:"value"`
	Dir           bool   `json:"dir"`
	Nodes         []Node `json:"nodes"`
	TTL           int64  `json:"ttl"`
	ModifiedIndex uint64 `json:"modifiedIndex"`
}

// Response is a v2 keys answer. Index is the X-Etcd-Index header (on an
// error, the larger of it and the error body's index).
type Response struct {
	Action string `json:"action"`
	Node   Node   `json:"node"`
	Index  uint64 `json:"-"`
}

// APIError is a v2 error body, e.g. {"errorCode":100,"message":"Key not
// found","cause":"/a/b","index":5}.
type APIError struct {
	Status  int    `json:"-"`
	Code    int    `json:"errorCode"`
	Message string `json:"message"`
	Cause   string `json:"cause"`
	Index   uint64 `json:"index"`
}

func (e *APIError) Error() string {
	return fmt.Sprintf("etcd: %s (code %d, %s) [http %d]", e.Message, e.Code, e.Cause, e.Status)
}

// HasCode reports whether err is etcd's APIError with code.
func HasCode(err error, code int) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Code == code
}

// Client talks to one etcd member.
type Client struct {
	base    string // http://host:port
	hc      *http.Client
	maxBody int64
}

// New returns a client for base (http://host:port). timeout bounds every
// request (0: none, for long polls bounded by their ctx); maxBody bounds
// an answer's size.
func New(base string, timeout time.Duration, maxBody int64) *Client {
	return &Client{base: strings.TrimSuffix(base, "/"), hc: &http.Client{Timeout: timeout}, maxBody: maxBody}
}

// CheckEndpoint reports an empty etcd_host or an etcd_port that is not a
// TCP port: the keys both daemons' etcd sections name the member with.
func CheckEndpoint(host string, port int) []error {
	var errs []error
	if strings.TrimSpace(host) == "" {
		errs = append(errs, errors.New("etcd_host: missing; want the host name or address of an etcd member"))
	}
	if port < 1 || port > 65535 {
		errs = append(errs, fmt.Errorf("etcd_port: %d is not a TCP port (1-65535)", port))
	}
	return errs
}

// BaseURL is http://host:port, IPv6 literals bracketed.
func BaseURL(host string, port int) string {
	return "http://" + net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(port))
}

// URL is the address Keys uses for key (without a query), for logs.
func (c *Client) URL(key string) string { return c.base + "/v2/keys" + EscapeKey(key) }

// CloseIdleConnections drops the client's idle connections.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// Keys sends one request to /v2/keys<key>: query goes in the URL, form
// (when not nil) in the body.
func (c *Client) Keys(ctx context.Context, method, key string, query, form url.Values) (Response, error) {
	u := c.URL(key)
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return Response{}, fmt.Errorf("etcd %s %s: %w", method, key, err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	var out Response
	out.Index, err = c.do(req, &out)
	if err != nil {
		return out, fmt.Errorf("etcd %s %s: %w", method, key, err)
	}
	return out, nil
}

// Members lists the cluster members: any member answers, so it is the
// reachability check.
func (c *Client) Members(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/v2/members", nil)
	if err != nil {
		return fmt.Errorf("etcd members: %w", err)
	}
	var out struct {
		Members []json.RawMessage `json:"members"`
	}
	if _, err := c.do(req, &out); err != nil {
		return fmt.Errorf("etcd members: %w", err)
	}
	return nil
}

// do runs req and decodes a 2xx body into out; it returns etcd's index.
func (c *Client) do(req *http.Request, out any) (uint64, error) {
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	idx, _ := strconv.ParseUint(resp.Header.Get("X-Etcd-Index"), 10, 64)
	b, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return 0, fmt.Errorf("%w: read response: %w", ErrUnavailable, err)
	}
	if int64(len(b)) > c.maxBody {
		return 0, fmt.Errorf("response larger than %d bytes", c.maxBody)
	}
	if resp.StatusCode/100 != 2 {
		ae := &APIError{Status: resp.StatusCode}
		if json.Unmarshal(b, ae) != nil || ae.Message == "" {
			ae.Message = strings.TrimSpace(string(b))
		}
		if resp.StatusCode >= 500 {
			return max(idx, ae.Index), fmt.Errorf("%w: %w", ErrUnavailable, ae)
		}
		return max(idx, ae.Index), ae
	}
	if err := json.Unmarshal(b, out); err != nil {
		return 0, fmt.Errorf("decode response: %w", err)
	}
	return idx, nil
}

// EscapeKey escapes each path segment (an instance_id may hold anything)
// and keeps the slashes.
func EscapeKey(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// TTLForm is the body that sets a key's value with a TTL in seconds;
// prevExist refuses to create the key (CodeKeyNotFound when it is gone).
func TTLForm(value string, ttl int, prevExist bool) url.Values {
	f := url.Values{"value": {value}, "ttl": {strconv.Itoa(ttl)}}
	if prevExist {
		f.Set("prevExist", "true")
	}
	return f
}
