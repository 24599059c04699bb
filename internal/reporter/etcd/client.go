package etcd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/smartstack-go/smartstack/internal/reporter"
)

// client speaks the etcd v2 keys API over plain net/http. The v2 API is a
// handful of form-encoded REST calls; etcd's own v2 Go client
// (go.etcd.io/etcd/client/v2) is deprecated and would pull the etcd module
// tree into the daemon for five requests.
type client struct {
	base string // http://host:port
	hc   *http.Client
}

// requestTimeout bounds a request whose ctx has no deadline: a hung etcd
// must not stall the worker's round forever.
const requestTimeout = 10 * time.Second

func newClient(base string) *client {
	return &client{base: base, hc: &http.Client{Timeout: requestTimeout}}
}

// node is the part of a v2 keys response the reporter reads.
type node struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	TTL   int64  `json:"ttl"`
}

// apiError is a v2 error body, e.g. {"errorCode":100,"message":"Key not
// found","cause":"/a/b","index":5}.
type apiError struct {
	Status  int    `json:"-"`
	Code    int    `json:"errorCode"`
	Message string `json:"message"`
	Cause   string `json:"cause"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("etcd: %s (code %d, %s) [http %d]", e.Message, e.Code, e.Cause, e.Status)
}

// codeKeyNotFound is etcd v2's EcodeKeyNotFound.
const codeKeyNotFound = 100

func isNotFound(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.Code == codeKeyNotFound
}

// keys sends one request to /v2/keys<key>; form goes in the body.
func (c *client) keys(ctx context.Context, method, key string, form url.Values) (node, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/v2/keys"+escapeKey(key), body)
	if err != nil {
		return node{}, fmt.Errorf("etcd %s %s: %w", method, key, err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	var out struct {
		Node node `json:"node"`
	}
	if err := c.do(req, &out); err != nil {
		return node{}, fmt.Errorf("etcd %s %s: %w", method, key, err)
	}
	return out.Node, nil
}

// members lists the cluster members, the reachability check.
func (c *client) members(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/v2/members", nil)
	if err != nil {
		return fmt.Errorf("etcd members: %w", err)
	}
	var out struct {
		Members []json.RawMessage `json:"members"`
	}
	if err := c.do(req, &out); err != nil {
		return fmt.Errorf("etcd members: %w", err)
	}
	return nil
}

// do runs req and decodes a 2xx body into out. Transport failures and 5xx
// answers (no leader, raft timeouts) are transient: ErrNotConnected.
func (c *client) do(req *http.Request, out any) error {
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %w", reporter.ErrNotConnected, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%w: read response: %w", reporter.ErrNotConnected, err)
	}
	if resp.StatusCode/100 != 2 {
		ae := &apiError{Status: resp.StatusCode}
		if json.Unmarshal(b, ae) != nil || ae.Message == "" {
			ae.Message = strings.TrimSpace(string(b))
		}
		if resp.StatusCode >= 500 {
			return fmt.Errorf("%w: %w", reporter.ErrNotConnected, ae)
		}
		return ae
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("decode response: %w", err)
	}
	return nil
}

// escapeKey escapes each path segment (an instance_id may hold anything)
// and keeps the slashes.
func escapeKey(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

func ttlForm(value string, ttl int, prevExist bool) url.Values {
	f := url.Values{"value": {value}, "ttl": {strconv.Itoa(ttl)}}
	if prevExist {
		f.Set("prevExist", "true")
	}
	return f
}
