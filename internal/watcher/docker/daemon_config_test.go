package docker

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	_ "github.com/smartstack-go/smartstack/internal/generator/fileoutput"
	synapseconfig "github.com/smartstack-go/smartstack/internal/synapse/config"
)

// A synapse config file as users write it (the README's server list,
// container_port as a number, the server's port as a string, which the
// original interpolates as it does a number), loaded by the daemon's loader, drives the
// watcher against the fake Engine API.
func TestFromSynapseConfigFile(t *testing.T) {
	f := newFakeDocker(t, testdata(t, "containers.json"))
	srv := f.server(t, "mainserver")
	dir := t.TempDir()
	path := filepath.Join(dir, "synapse.conf.json")
	doc := `{"file_output": {"output_directory": "` + dir + `"},
		"services": {"redis": {"discovery": {"method": "docker", "image_name": "mycool/image",
		"container_port": 6379, "servers": [{"name": "mainserver", "host": "` + srv.Host +
		`", "port": "` + string(srv.Port) + `"}]}}}}`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, warns, err := synapseconfig.Load(path, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	spec, ok := cfg.Desired(warns).Services["redis"]
	if !ok || spec.Method != Method {
		t.Fatalf("service redis: %+v", spec)
	}
	c := spec.Discovery.(*Config)
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
