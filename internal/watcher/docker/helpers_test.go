package docker

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
)

// newFakeDocker stands in for the Engine API: GET /containers/json answers
// body, anything else is a 404 with the Engine's error body.
func newFakeDocker(t *testing.T, body string) *watchertest.FakeAPI {
	t.Helper()
	return watchertest.NewFakeAPI(t, "GET /containers/json", body)
}

// dockerServer is f as a configured docker server.
func dockerServer(t *testing.T, f *watchertest.FakeAPI, name string) Server {
	t.Helper()
	host, port, err := net.SplitHostPort(f.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return Server{Name: name, Host: host, Port: Port(port)}
}

func testConfig(servers ...Server) *Config {
	c := NewConfig()
	c.Servers, c.ImageName, c.ContainerPort = servers, "mycool/image", "6379"
	c.CheckInterval = config.Duration(10 * time.Millisecond)
	c.RequestTimeout = config.Duration(2 * time.Second)
	return c
}

// start builds the watcher through the registry, as the daemon does, and
// runs it until the test ends.
func start(t *testing.T, cfg *Config) *watchertest.Started[*Watcher] {
	t.Helper()
	return watchertest.Start[*Watcher](t, Method, cfg, watcher.Options{}, nil)
}

// backendJSON is a backend as the docker watcher builds it: the port a
// string.
func backendJSON(name, host, port string) string {
	return fmt.Sprintf(`{"name":%q,"host":%q,"port":%q,"id":null,"weight":null,"haproxy_server_options":null,"labels":null}`, name, host, port)
}

func backends(want ...string) watchertest.Cond {
	return watchertest.Backends(watchertest.Service, want...)
}

var (
	stale  = watchertest.Stale
	render = watchertest.Render
)
