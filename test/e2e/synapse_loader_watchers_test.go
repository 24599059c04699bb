package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/config"
	_ "github.com/smartstack-go/smartstack/internal/generator/fileoutput"
	synapseconfig "github.com/smartstack-go/smartstack/internal/synapse/config"
	_ "github.com/smartstack-go/smartstack/internal/watcher/base"
	"github.com/smartstack-go/smartstack/internal/watcher/docker"
	"github.com/smartstack-go/smartstack/internal/watcher/marathon"
)

// Config files that use the watchers, loaded in-process by the daemon's
// loader. They live here, not in the watcher packages: those sit below the
// daemon and do not import it (their own tests decode a discovery section
// with internal/watcher/watchertest); nor next to the loader, whose tests
// register fakes under the real names.

// writeService writes a synapse.conf.json with a file_output section (a
// config needs a generator, and this one needs nothing running) and one
// service, and returns its path.
func writeService(t *testing.T, name, service string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "synapse.conf.json")
	doc := `{"file_output": {"output_directory": "` + dir + `"}, "services": {"` + name + `": ` + service + `}}`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Docker's and marathon's sections as users write them (the README's
// server list, container_port as a number, the server's port as a
// string) load with the method's defaults.
func TestConfigFileDockerAndMarathon(t *testing.T) {
	noEnv := func(string) (string, bool) { return "", false }
	path := writeService(t, "web", `{"discovery": {"method": "docker", "image_name": "mycool/image",
		"container_port": 6379, "servers": [{"name": "mainserver", "host": "127.0.0.1", "port": "4243"}]}}`)
	cfg, warns, err := synapseconfig.Load(path, noEnv)
	if err != nil || len(warns) > 0 {
		t.Fatalf("Load: %v %v", err, warns)
	}
	dc, ok := cfg.Desired(warns).Services["web"].Discovery.(*docker.Config)
	if !ok || dc.ImageName != "mycool/image" || dc.ContainerPort != "6379" || len(dc.Servers) != 1 ||
		dc.Servers[0].Host != "127.0.0.1" || dc.Servers[0].Port != "4243" ||
		dc.CheckInterval != config.Duration(docker.DefaultCheckInterval) {
		t.Fatalf("docker config %+v", cfg.Services["web"].Discovery)
	}
	path = writeService(t, "web", `{"discovery": {"method": "marathon",
		"marathon_api_url": "http://127.0.0.1:8080", "application_name": "foo", "port_index": 1}}`)
	cfg, warns, err = synapseconfig.Load(path, noEnv)
	if err != nil || len(warns) > 0 {
		t.Fatalf("Load: %v %v", err, warns)
	}
	mc, ok := cfg.Desired(warns).Services["web"].Discovery.(*marathon.Config)
	if !ok || mc.ApplicationName != "foo" || mc.PortIndex != 1 ||
		mc.CheckInterval != config.Duration(marathon.DefaultCheckInterval) {
		t.Fatalf("marathon config %+v", cfg.Services["web"].Discovery)
	}
}

// A base service without default_servers loads, as in the original, but
// the loader warns: it can never have a backend.
func TestConfigFileWarnsWithoutDefaultServers(t *testing.T) {
	tests := []struct {
		name, service string
		warn          bool
	}{
		{"no default servers", `{"discovery": {"method": "base"}}`, true},
		{"default servers", `{"discovery": {"method": "base"}, "default_servers": [{"name": "a", "host": "127.0.0.1", "port": 80}]}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "synapse.conf.json")
			doc := `{"file_output": {"output_directory": "` + dir + `"}, "services": {"static": ` + tc.service + `}}`
			if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
				t.Fatal(err)
			}
			_, warns, err := synapseconfig.Load(path, func(string) (string, bool) { return "", false })
			if err != nil {
				t.Fatal(err)
			}
			var got bool
			for _, w := range warns {
				s := w.String()
				if strings.Contains(s, "services.static") && strings.Contains(s, "default_servers is empty") {
					got = strings.HasPrefix(s, path+":")
				}
			}
			if got != tc.warn {
				t.Fatalf("warned %v, want %v: %v", got, tc.warn, warns)
			}
		})
	}
}
