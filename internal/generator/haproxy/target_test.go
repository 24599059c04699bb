package haproxy

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func TestParseVersionOutput(t *testing.T) {
	cases := map[string]string{
		"HAProxy version 2.6.12-1+deb12u3 2025/10/03 - https://haproxy.org/\nStatus: long-term\n": "2.6.12-1+deb12u3",
		"HA-Proxy version 1.8.30 2021/04/12\nCopyright 2000-2021 Willy Tarreau\n":                 "1.8.30",
		"HA-Proxy version 1.5.18 2016/05/10\n":                                                    "1.5.18",
	}
	for out, want := range cases {
		t.Run(want, func(t *testing.T) {
			v, err := parseVersionOutput(out)
			if err != nil || v.String() != want {
				t.Errorf("got %v, %v; want %s", v, err, want)
			}
		})
	}
	if _, err := parseVersionOutput("bash: haproxy: command not found"); err == nil {
		t.Error("no version line: no error")
	}
}

func TestHAProxyBinaryFromCommands(t *testing.T) {
	onPath := haproxyBinary()
	cases := []struct{ name, check, reload, want string }{
		{"check_command path", "/opt/haproxy/sbin/haproxy -c -f /etc/haproxy.cfg", "", "/opt/haproxy/sbin/haproxy"},
		{"after sudo in reload_command", "", "sudo /usr/local/bin/haproxy -f x -sf $(cat pid)", "/usr/local/bin/haproxy"},
		{"check before reload", "/a/haproxy -c", "/b/haproxy -sf 1", "/a/haproxy"},
		{"init script in reload_command is not the binary", "", "/etc/init.d/haproxy reload", onPath},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := haproxyBinary(c.check, c.reload); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// legacyConfig is a config with 1.x lines that writes to a temp file.
func legacyConfig(t *testing.T) *Config {
	t.Helper()
	cfg := baseConfig()
	cfg.DoWrites = true
	cfg.ConfigFilePath = filepath.Join(t.TempDir(), "haproxy.cfg")
	cfg.Defaults = []string{"mode http", "contimeout 5s", "clitimeout 5s", "srvtimeout 5s"}
	cfg.ExtraSections = Sections{{Title: "listen stats 127.0.0.1:1937", Lines: []string{"stats enable", `rspadd X-Stats:\ yes`}}}
	return cfg
}

func written(t *testing.T, cfg *Config) string {
	t.Helper()
	b, err := os.ReadFile(cfg.ConfigFilePath)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTargetSources checks where the version comes from when the
// binary does not answer: the haproxy_version key, else nothing (lines as
// they are), and modernize_haproxy_config false.
func TestTargetSources(t *testing.T) {
	cases := []struct {
		name      string
		version   string
		modernize bool
		want      string
	}{
		{"haproxy_version 2.4 translates", "2.4", true, "\ttimeout connect 5s\n"},
		{"haproxy_version 1.8 writes as is", "1.8", true, "\tcontimeout 5s\n"},
		{"unknown writes as is", "", true, "\tcontimeout 5s\n"},
		{"modernize off writes as is", "2.6", false, "\tcontimeout 5s\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := legacyConfig(t)
			cfg.CheckCommand = "/nonexistent/haproxy -c -f x" // do_checks is off: only read for the version
			cfg.HAProxyVersion, cfg.ModernizeHAProxyConfig = c.version, c.modernize
			g := newTestGenerator(t, cfg, newFakeClock())
			mustUpdate(t, g)
			if v, from := TargetVersion(context.Background(), cfg); v != g.target.version || from != g.target.source {
				t.Errorf("TargetVersion = %v from %q, the generator found %v from %q", v, from, g.target.version, g.target.source)
			}
			if got := written(t, cfg); !strings.Contains(got, c.want) {
				t.Errorf("haproxy.cfg lacks %q:\n%s", c.want, got)
			}
		})
	}
}

// TestTargetFromBinaryAndSocket uses the real HAProxy: its `haproxy -v`,
// and with the binary out of reach its stats socket's "show info". The
// written config must pass its `haproxy -c`, and each translation is
// logged once however often the generator renders.
func TestTargetFromBinaryAndSocket(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping real haproxy")
	}
	bin, err := testutil.HAProxyBinary()
	if err != nil {
		t.Fatal(err)
	}
	h := testutil.StartHAProxy(t, testutil.HAProxyConfig(""))
	for _, viaSocket := range []bool{false, true} {
		name := "haproxy -v"
		if viaSocket {
			name = "show info"
		}
		t.Run(name, func(t *testing.T) {
			cfg := legacyConfig(t)
			cfg.CheckCommand = bin + " -c -f x"
			if viaSocket {
				cfg.CheckCommand = "/nonexistent/haproxy -c -f x"
				cfg.DoSocket, cfg.SocketFilePath = true, StringList{h.StatsSocket}
			}
			var logs bytes.Buffer
			g, err := New(cfg, generator.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			// Before any update, as synapse does while discovery reads:
			// the binary answers then; the socket is left to the update.
			g.Prepare(context.Background())
			if got := g.target.source != ""; got == viaSocket {
				t.Fatalf("after Prepare the version is known from %q", g.target.source)
			}
			for i := range 3 {
				cfg.Global = append(cfg.Global, "maxconn "+string(rune('1'+i))) // a new text each time
				if err := g.Update(context.Background(), nil); err != nil && !viaSocket {
					t.Fatal(err)
				}
			}
			if n := strings.Count(logs.String(), `contimeout 5s\" is HAProxy 1.x syntax`); n != 1 {
				t.Errorf("contimeout warning logged %d times, want once:\n%s", n, logs.String())
			}
			if !strings.Contains(logs.String(), "version=2.") || !strings.Contains(logs.String(), name) {
				t.Errorf("no version from %s logged:\n%s", name, logs.String())
			}
			if n := strings.Count(logs.String(), "written for this haproxy version"); n != 1 {
				t.Errorf("the version logged %d times, want once:\n%s", n, logs.String())
			}
			if out, err := exec.Command(bin, "-c", "-f", cfg.ConfigFilePath).CombinedOutput(); err != nil {
				t.Fatalf("haproxy -c: %v\n%s\n%s", err, out, written(t, cfg))
			}
		})
	}
}

// The two keys are known to the decoder (no unknown-key warning), default
// to translating, and a bad version is refused naming the key.
func TestTargetKeys(t *testing.T) {
	var c Config
	warns, err := config.Decode("synapse.yaml", []byte("global: []\ndefaults: []\nhaproxy_version: \"2.6\"\nmodernize_haproxy_config: false\n"), &c)
	if err != nil || len(warns) != 0 {
		t.Fatalf("decode: %v %v", warns, err)
	}
	if c.HAProxyVersion != "2.6" || c.ModernizeHAProxyConfig {
		t.Errorf("decoded %q %v", c.HAProxyVersion, c.ModernizeHAProxyConfig)
	}
	if !NewConfig().ModernizeHAProxyConfig {
		t.Error("modernize_haproxy_config defaults to false")
	}
	bad := baseConfig()
	bad.HAProxyVersion = "two"
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), `haproxy_version must be a version such as "2.6", not "two"`) {
		t.Errorf("Validate = %v", err)
	}
}
