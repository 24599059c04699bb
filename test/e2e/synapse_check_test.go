package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// checkConfigFor is a synapse config with one service whose listen lines
// are listen, its files (haproxy.cfg, stats socket, pid file) under dir.
func checkConfigFor(t *testing.T, dir string, global, listen []string) string {
	t.Helper()
	path := filepath.Join(dir, "synapse.json")
	writeConfig(t, path, map[string]any{
		"services": map[string]any{"web": map[string]any{
			"default_servers": []map[string]any{{"name": "w1", "host": "127.0.0.1", "port": 8080}},
			"discovery":       map[string]any{"method": "base"},
			"haproxy":         map[string]any{"port": 3213, "listen": listen},
		}},
		"haproxy": map[string]any{
			"config_file_path": filepath.Join(dir, "haproxy.cfg"), "socket_file_path": filepath.Join(dir, "admin.sock"),
			"do_writes": true, "do_reloads": true, "reload_command": "false", "do_socket": true,
			"global": append([]string{"stats socket " + filepath.Join(dir, "admin.sock") + " mode 600 level admin",
				"pidfile " + filepath.Join(dir, "haproxy.pid")}, global...),
			"defaults": []string{"mode http", "timeout connect 5s", "timeout client 30s", "timeout server 30s"},
		},
	})
	return path
}

// synapse -k renders haproxy.cfg and has the installed HAProxy check it,
// naming the config key of each line HAProxy refuses; it writes nothing
// where the config points.
func TestSynapseCheckHAProxy(t *testing.T) {
	if _, err := testutil.HAProxyBinary(); err != nil {
		t.Fatal(err)
	}
	bin := buildSynapse(t)
	cases := []struct {
		name           string
		global, listen []string
		strict         bool
		code           int
		want           []string
	}{
		{"good config passes", nil, []string{"mode http", "option httpchk GET /health"}, false, 0,
			[]string{"configuration check succeeded"}},
		{"good config passes --strict", nil, []string{"mode http"}, true, 0, nil},
		{"refused line names its key", nil, []string{"mode http", "option httpchk GET /health", "timeout connect banana"}, false, 78,
			[]string{`synapse: config error: services.web.haproxy.listen[2]: "timeout connect banana": HAProxy 2.6: unexpected character 'b' in 'timeout connect'`}},
		{"refused global line", []string{"nbthread lots"}, []string{"mode http"}, false, 78,
			[]string{`synapse: config error: haproxy.global[2]: "nbthread lots": HAProxy 2.6: `}},
		{"translated 1.x line warns", nil, []string{"mode http", "option forceclose"}, false, 0,
			[]string{`warning: services.web.haproxy.listen[1]: "option forceclose" is HAProxy 1.x syntax`}},
		{"--strict fails on a translated 1.x line", nil, []string{"mode http", "option forceclose"}, true, 78,
			[]string{`warning: services.web.haproxy.listen[1]: "option forceclose"`, "--strict: 1 warning(s)"}},
		{"HAProxy warning is a warning", nil, []string{"mode tcp", "option httplog"}, false, 0,
			[]string{`warning: services.web.haproxy.listen[1]: "option httplog": HAProxy 2.6: `}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			cfg := checkConfigFor(t, dir, c.global, c.listen)
			args := []string{"-k", "-c", cfg}
			if c.strict {
				args = append(args, "--strict")
			}
			code, out, errOut := runBinary(t, bin, args...)
			if code != c.code {
				t.Errorf("exit %d, want %d; stdout %q, stderr:\n%s", code, c.code, out, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(out+errOut, w) {
					t.Errorf("output lacks %q; stdout %q, stderr:\n%s", w, out, errOut)
				}
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("-k wrote into the config's directory: %v", entries)
			}
		})
	}
}

// Without an haproxy binary (the one check_command names is missing), -k
// says so in one line and still passes.
func TestSynapseCheckWithoutHAProxy(t *testing.T) {
	bin := buildSynapse(t)
	dir := t.TempDir()
	cfg := checkConfigFor(t, dir, nil, []string{"mode http"})
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m["haproxy"]["check_command"] = filepath.Join(dir, "missing", "haproxy") + " -c -f x"
	writeConfig(t, cfg, map[string]any{"services": m["services"], "haproxy": m["haproxy"]})
	code, out, errOut := runBinary(t, bin, "-k", "-c", cfg)
	if code != 0 || strings.Count(errOut, "no haproxy binary") != 1 || !strings.Contains(out, "configuration check succeeded") {
		t.Errorf("-k without haproxy: exit %d, stdout %q, stderr:\n%s", code, out, errOut)
	}
}
