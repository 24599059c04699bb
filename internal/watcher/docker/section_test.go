package docker

import (
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
)

// A discovery section as users write it (the README's server list,
// container_port as a number, the server's port as a string, which the
// original interpolates as it does a number) drives the watcher against
// the fake Engine API. test/e2e loads the same section through the
// daemon's loader.
func TestFromDiscoverySection(t *testing.T) {
	f := newFakeDocker(t, watchertest.Testdata(t, "containers.json"))
	srv := dockerServer(t, f, "mainserver")
	c := NewConfig()
	watchertest.Section(t, `{"image_name": "mycool/image",
		"container_port": 6379, "servers": [{"name": "mainserver", "host": "`+srv.Host+`", "port": "`+string(srv.Port)+`"}]}`, c)
	if c.CheckInterval != config.Duration(DefaultCheckInterval) {
		t.Fatalf("check_interval %s, want the default", c.CheckInterval)
	}
	c.CheckInterval = config.Duration(10 * time.Millisecond)
	start(t, c).Await(t, "backends", backends(
		backendJSON("mainserver", srv.Host, "49153"),
		backendJSON("mainserver", srv.Host, "49155"),
		backendJSON("mainserver", srv.Host, "49158"),
	))
}
