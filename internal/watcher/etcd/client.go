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
)

// The etcd v2 keys API is a small REST API (two GETs are all a watcher
// needs), so this speaks it over net/http: etcd's v2 Go client is
// deprecated and would pull the etcd module tree into synapse.

const maxBody = 64 << 20

// node is a v2 keys node; a dir has Nodes (with recursive=true, all the
// way down).
type node struct {
	Key           string `json:"key"`
	Value         string `json:"value"`
	Dir           bool   `json:"dir"`
	Nodes         []node `json:"nodes"`
	ModifiedIndex uint64 `json:"modifiedIndex"`
}

// apiError is a v2 error body, e.g. {"errorCode":100,"message":"Key not
// found","cause":"/a","index":5}.
type apiError struct {
	Status  int    `json:"-"`
	Code    int    `json:"errorCode"`
	Message string `json:"message"`
	Cause   string `json:"cause"`
	Index   uint64 `json:"index"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("etcd: %s (code %d, %s) [http %d]", e.Message, e.Code, e.Cause, e.Status)
}

const (
	codeKeyNotFound      = 100 // EcodeKeyNotFound
	codeEventIndexClears = 401 // EcodeEventIndexCleared: waitIndex fell out of etcd's 1000-event history
)

func hasCode(err error, code int) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.Code == code
}

type client struct {
	hc  *http.Client
	url string // http://host:port/v2/keys/<escaped dir>
}

func newClient(host string, port int, dir string) *client {
	parts := strings.Split(dir, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	// No client-wide timeout: the watch is a long poll bounded by its ctx.
	return &client{hc: &http.Client{}, url: "http://" + joinHostPort(host, port) + "/v2/keys" + strings.Join(parts, "/")}
}

func joinHostPort(host string, port int) string {
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
		host = "[" + host + "]"
	}
	return host + ":" + strconv.Itoa(port)
}

// list reads the whole dir, sorted, and the etcd index it reflects: the
// watch starts after it. A missing dir is an empty answer: nothing is
// registered yet.
func (c *client) list(ctx context.Context) ([]node, uint64, error) {
	var out struct {
		Node node `json:"node"`
	}
	idx, err := c.get(ctx, "?recursive=true&sorted=true", &out)
	if hasCode(err, codeKeyNotFound) {
		return nil, idx, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("etcd list %s: %w", c.url, err)
	}
	return out.Node.Nodes, idx, nil
}

// watch blocks until something under the dir changes at or after
// waitIndex, or ctx ends.
func (c *client) watch(ctx context.Context, waitIndex uint64) error {
	var out struct {
		Action string `json:"action"`
	}
	_, err := c.get(ctx, "?wait=true&recursive=true&waitIndex="+strconv.FormatUint(waitIndex, 10), &out)
	if err != nil {
		return fmt.Errorf("etcd watch %s: %w", c.url, err)
	}
	return nil
}

// get sends one GET and decodes a 2xx body into out. It returns the
// X-Etcd-Index header (or, on an error, the body's index).
func (c *client) get(ctx context.Context, query string, out any) (uint64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url+query, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	idx, _ := strconv.ParseUint(resp.Header.Get("X-Etcd-Index"), 10, 64)
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return 0, fmt.Errorf("read response: %w", err)
	}
	if len(b) > maxBody {
		return 0, fmt.Errorf("response larger than %d bytes", maxBody)
	}
	if resp.StatusCode/100 != 2 {
		ae := &apiError{Status: resp.StatusCode}
		if json.Unmarshal(b, ae) != nil || ae.Message == "" {
			ae.Message = strings.TrimSpace(string(b))
		}
		return max(idx, ae.Index), ae
	}
	if err := json.Unmarshal(b, out); err != nil {
		return 0, fmt.Errorf("decode response: %w", err)
	}
	return idx, nil
}
