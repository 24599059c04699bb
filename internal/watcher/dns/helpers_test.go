package dns

import (
	"fmt"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

func server(name, host string, port int) Server {
	return Server{Name: registration.StringValue(name), Host: host, Port: registration.NumberPort(port)}
}

func testConfig(ns string, interval time.Duration, servers ...Server) *Config {
	c := NewConfig()
	c.Servers, c.Nameserver, c.CheckInterval = servers, Nameservers{ns}, config.Duration(interval)
	return c
}

// run builds a watcher through the registry and runs it until the test
// ends, checking that Run returns promptly on cancel.
func run(t *testing.T, cfg *Config) *watchertest.Started[*Watcher] {
	t.Helper()
	return watchertest.Start[*Watcher](t, Method, cfg, watcher.Options{}, nil)
}

// be is one expected backend's JSON.
func be(name, host string, port int) string {
	return fmt.Sprintf(`{"name":%q,"host":%q,"port":%d,"id":null,"weight":null,"haproxy_server_options":null,"labels":null}`,
		name, host, port)
}

func backends(want ...string) watchertest.Cond {
	return watchertest.Backends(watchertest.Service, want...)
}

var (
	failed = watchertest.Stale
	render = watchertest.Render
)
