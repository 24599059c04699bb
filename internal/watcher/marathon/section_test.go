package marathon

import (
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
)

// A discovery section as users write it drives the watcher against the
// fake Marathon. test/e2e loads the same section through the daemon's
// loader.
func TestFromDiscoverySection(t *testing.T) {
	f := newFakeMarathon(t, watchertest.Testdata(t, "tasks.json"))
	c := NewConfig()
	watchertest.Section(t, `{"marathon_api_url": "`+f.URL+`", "application_name": "foo", "port_index": 1}`, c)
	if c.CheckInterval != config.Duration(DefaultCheckInterval) {
		t.Fatalf("check_interval %s, want the default", c.CheckInterval)
	}
	c.CheckInterval = config.Duration(10 * time.Millisecond)
	r := start(t, c)
	r.Await(t, "backends", func(s watcher.Snapshot) error {
		s.Service = "svc"
		return backends(backendJSON("agouti.local", 31337), backendJSON("zebra.local", 31003))(s)
	})
}
