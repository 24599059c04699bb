package marathon

import (
	"fmt"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
)

// newFakeMarathon stands in for Marathon's v2 tasks endpoint: every
// request, whatever its path, answers body.
func newFakeMarathon(t *testing.T, body string) *watchertest.FakeAPI {
	t.Helper()
	return watchertest.NewFakeAPI(t, "", body)
}

func testConfig(url string) *Config {
	c := NewConfig()
	c.MarathonAPIURL, c.ApplicationName = url, "foo"
	c.CheckInterval = config.Duration(10 * time.Millisecond)
	c.RequestTimeout = config.Duration(2 * time.Second)
	return c
}

// start builds the watcher through the registry, as the daemon does, with
// no splay before the first poll, and runs it until the test ends.
func start(t *testing.T, cfg *Config) *watchertest.Started[*Watcher] {
	t.Helper()
	return watchertest.Start(t, Method, cfg, watcher.Options{}, func(w *Watcher) {
		w.splay = func(time.Duration) time.Duration { return 0 }
	})
}

// backendJSON is a backend as the marathon watcher builds it.
func backendJSON(host string, port int) string {
	return fmt.Sprintf(`{"name":%q,"host":%q,"port":%d,"id":null,"weight":null,"haproxy_server_options":null,"labels":null}`, host, host, port)
}

func backends(want ...string) watchertest.Cond {
	return watchertest.Backends(watchertest.Service, want...)
}

var stale = watchertest.Stale
