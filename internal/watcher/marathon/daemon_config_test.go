package marathon

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	_ "github.com/smartstack-go/smartstack/internal/generator/fileoutput"
	synapseconfig "github.com/smartstack-go/smartstack/internal/synapse/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
)

// A synapse config file as users write it, loaded by the daemon's loader,
// drives the watcher against the fake Marathon.
func TestFromSynapseConfigFile(t *testing.T) {
	f := newFakeMarathon(t, testdata(t, "tasks.json"))
	dir := t.TempDir()
	path := filepath.Join(dir, "synapse.conf.json")
	doc := `{"file_output": {"output_directory": "` + dir + `"},
		"services": {"web": {"discovery": {"method": "marathon",
		"marathon_api_url": "` + f.URL + `", "application_name": "foo", "port_index": 1}}}}`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, warns, err := synapseconfig.Load(path, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	spec, ok := cfg.Desired(warns).Services["web"]
	if !ok || spec.Method != Method {
		t.Fatalf("service web: %+v", spec)
	}
	c := spec.Discovery.(*Config)
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
