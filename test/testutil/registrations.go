package testutil

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"
)

// RegisteredAddrs is the "host:port" of every child of path whose data is
// a usable registration (JSON with a host and a port in range): the set
// synapse must route to. Malformed children, which synapse skips, are
// left out; a missing path is an empty set.
func RegisteredAddrs(zc *gozk.Conn, path string) (map[string]bool, error) {
	names, _, err := zc.Children(path)
	if errors.Is(err, gozk.ErrNoNode) {
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("children of %s: %w", path, err)
	}
	out := map[string]bool{}
	for _, n := range names {
		b, _, err := zc.Get(path + "/" + n)
		if errors.Is(err, gozk.ErrNoNode) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("get %s/%s: %w", path, n, err)
		}
		var reg struct {
			Host string
			Port int
		}
		if json.Unmarshal(b, &reg) != nil || reg.Host == "" || reg.Port <= 0 || reg.Port > 65535 {
			continue
		}
		out[net.JoinHostPort(reg.Host, strconv.Itoa(reg.Port))] = true
	}
	return out, nil
}

// LiveAddrs is the address of every server of backend that HAProxy would
// route a new request to (show stat: UP, not MAINT).
func (h *HAProxy) LiveAddrs(backend string) (map[string]bool, error) {
	servers, err := h.Servers()
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, s := range servers {
		if s.Backend == backend && s.Live() {
			out[s.Addr] = true
		}
	}
	return out, nil
}

// CreateZKPath creates path and its missing parents (persistent, open
// ACL); existing nodes are fine.
func CreateZKPath(zc *gozk.Conn, path string) error {
	at := ""
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		at += "/" + part
		if _, err := zc.Create(at, nil, 0, gozk.WorldACL(gozk.PermAll)); err != nil && !errors.Is(err, gozk.ErrNodeExists) {
			return fmt.Errorf("create %s: %w", at, err)
		}
	}
	return nil
}
