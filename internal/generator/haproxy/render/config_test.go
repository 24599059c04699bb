package render

import (
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
)

func decodeService(t *testing.T, src string) (*ServiceConfig, error) {
	t.Helper()
	var out struct {
		HAProxy *ServiceConfig `yaml:"haproxy"`
	}
	_, err := config.Decode("svc.yaml", []byte(src), &out)
	return out.HAProxy, err
}

func TestServiceConfigPort(t *testing.T) {
	tests := []struct {
		name, src string
		want      Port
	}{
		{"absent", "haproxy: {server_options: x}", Port{}},
		{"null", "haproxy: {port: null}", Port{Present: true}},
		{"tilde", "haproxy: {port: ~}", Port{Present: true}},
		{"int", "haproxy: {port: 3213}", Port{Present: true, Value: "3213"}},
		{"string", `haproxy: {port: "3213"}`, Port{Present: true, Value: "3213"}},
		{"json null", `{"haproxy": {"port": null}}`, Port{Present: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := decodeService(t, tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if c.Port != tt.want {
				t.Errorf("port = %+v, want %+v", c.Port, tt.want)
			}
		})
	}
}

func TestServiceConfigErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"listen string", "haproxy: {listen: mode http}", `haproxy.listen: cannot use "mode http" as a list`},
		{"backend string", "haproxy: {backend: mode http}", `haproxy.backend: cannot use "mode http" as a list`},
		{"frontend mapping", "haproxy: {frontend: {a: b}}", "haproxy.frontend: cannot use a mapping as a list"},
		{"bad port", "haproxy: {port: abc}", `haproxy.port: cannot use "abc" as a port`},
		{"port out of range", "haproxy: {port: 70000}", `cannot use "70000" as a port`},
		{"port list", "haproxy: {port: [1]}", "cannot use a list as a port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeService(t, tt.src)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestServiceConfigDefaults(t *testing.T) {
	t.Run("decoded", func(t *testing.T) {
		c, err := decodeService(t, "haproxy: {port: 1}")
		if err != nil {
			t.Fatal(err)
		}
		if c.ServerOptions != "" || c.Listen == nil || c.Frontend == nil || c.Backend == nil {
			t.Errorf("defaults not filled: %+v", c)
		}
		if c.BindOptions != nil || c.BindAddress != nil || c.SharedFrontend != nil {
			t.Errorf("absent keys set: %+v", c)
		}
	})
	t.Run("built without listen", func(t *testing.T) {
		c := &ServiceConfig{Port: PortValue(80)}
		c.Normalize()
		fe, be, dropped := SplitDirectives("svc", c)
		if len(fe)+len(be)+len(dropped) != 0 || c.Listen == nil {
			t.Errorf("split of an empty config = %q %q %v", fe, be, dropped)
		}
	})
	t.Run("port override keeps type", func(t *testing.T) {
		c, err := decodeService(t, `haproxy: {server_port_override: "8081"}`)
		if err != nil {
			t.Fatal(err)
		}
		if o := c.ServerPortOverride; o == nil || o.Value != "8081" || !o.IsString {
			t.Errorf("override = %+v", o)
		}
	})
}

func decodeTop(t *testing.T, src string) Config {
	t.Helper()
	var out struct {
		HAProxy Config `yaml:"haproxy"`
	}
	warnings, err := config.Decode("top.yaml", []byte(src), &out)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("decode: %v %v", err, warnings)
	}
	return out.HAProxy
}

func TestConfigDefaults(t *testing.T) {
	c := decodeTop(t, "haproxy: {global: [], defaults: [], config_file_path: /c, socket_file_path: /s, reload_command: r}")
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if !c.DoWrites || !c.DoSocket || !c.DoReloads || c.DoChecks || c.UseNerveWeights {
		t.Errorf("flags = %+v", c)
	}
	if c.MaxServerID != 65535 || c.BindAddress != "localhost" || c.ServerOrderSeed != nil {
		t.Errorf("defaults = %+v", c)
	}
	if time.Duration(c.RestartInterval) != 2*time.Second || time.Duration(c.StateFileTTL) != 24*time.Hour {
		t.Errorf("durations = %v %v", c.RestartInterval, c.StateFileTTL)
	}
	if c.DynamicServers != "auto" || time.Duration(c.DrainTimeout) != 30*time.Second || c.ServerStateFile != "" {
		t.Errorf("runtime defaults = %q %v %q", c.DynamicServers, c.DrainTimeout, c.ServerStateFile)
	}
	if c.CandidatePath() != "/c.tmp" || len(c.SocketFilePath) != 1 || c.SocketFilePath[0] != "/s" {
		t.Errorf("candidate %q sockets %q", c.CandidatePath(), c.SocketFilePath)
	}
}

func TestConfigLists(t *testing.T) {
	c := decodeTop(t, `haproxy:
  socket_file_path: [/a, /b]
  shared_frontend: []
  extra_sections: {"z last": [a], "a first": [b, c]}
`)
	if len(c.SocketFilePath) != 2 {
		t.Errorf("sockets = %q", c.SocketFilePath)
	}
	if c.SharedFrontend == nil {
		t.Error("an empty shared_frontend list must count as present")
	}
	if len(c.ExtraSections) != 2 || c.ExtraSections[0].Title != "z last" || len(c.ExtraSections[1].Lines) != 2 {
		t.Errorf("extra sections = %+v, want file order", c.ExtraSections)
	}
}

func TestConfigValidate(t *testing.T) {
	base := "global: []\n  defaults: []\n  do_writes: false\n  do_socket: false\n  do_reloads: false\n  "
	tests := []struct{ name, src, want string }{
		{"writes", "haproxy: {global: [], defaults: [], do_socket: false, do_reloads: false}", "the `config_file_path` option is required when `do_writes` is true"},
		{"socket", "haproxy: {global: [], defaults: [], do_writes: false, do_reloads: false}", "the `socket_file_path` option is required when `do_socket` is true"},
		{"reloads", "haproxy: {global: [], defaults: [], do_writes: false, do_socket: false}", "the `reload_command` option is required when `do_reloads` is true"},
		{"checks", "haproxy:\n  " + base + "do_checks: true\n  candidate_config_file_path: /x", "the `check_command` option is required when `do_checks` is true"},
		{"global", "haproxy: {defaults: [], do_writes: false, do_socket: false, do_reloads: false}", "haproxy requires a global section"},
		{"defaults", "haproxy: {global: [], do_writes: false, do_socket: false, do_reloads: false}", "haproxy requires a defaults section"},
		{"max id", "haproxy:\n  " + base + "max_server_id: 0", "max_server_id must be at least 1"},
		{"dynamic", "haproxy:\n  " + base + "dynamic_servers: on", `dynamic_servers must be "auto" or "off", not "on"`},
		{"slots", "haproxy:\n  " + base + "server_slots: 0", ""},
		{"ok", "haproxy:\n  " + base + "do_checks: true\n  check_command: c\n  candidate_config_file_path: /x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := decodeTop(t, tt.src)
			err := c.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want %q", err, tt.want)
			}
		})
	}
}
