package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator"
)

func envOf(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

func warningsText(ws []config.Warning) string {
	var b strings.Builder
	for _, w := range ws {
		b.WriteString(w.String() + "\n")
	}
	return b.String()
}

func TestLoadGood(t *testing.T) {
	env := envOf(map[string]string{"ZK_HOST": "zk1", "SYNAPSE_CONFIG_VALUE": "config value"})
	cfg, warnings, err := Load("testdata/good.yaml", env)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := strings.Join(cfg.ServiceNames(), ","); got != "api_0,api_1,web" {
		t.Fatalf("services = %s", got)
	}
	web := cfg.Services["web"]
	t.Run("discovery", func(t *testing.T) {
		zk := web.Discovery.(*fakeZK)
		if web.Method != "zookeeper" || zk.Hosts[0] != "zk1:2181" || zk.Decode != "nerve" {
			t.Fatalf("web discovery = %s %+v", web.Method, zk)
		}
	})
	t.Run("erb label filter", func(t *testing.T) {
		lf := web.Config.LabelFilters
		if len(lf) != 1 || lf[0].Value.String() != `"config value"` {
			t.Fatalf("filters = %+v", lf)
		}
	})
	t.Run("port override fallback", func(t *testing.T) {
		if po := web.Config.BackendPortOverride; po == nil || po.Port.String() != "8081" || !po.Port.IsString() {
			t.Fatalf("web override = %+v", po)
		}
		if po := cfg.Services["api_0"].Config.BackendPortOverride; po == nil || po.Port.String() != "9000" {
			t.Fatalf("api override = %+v", po)
		}
	})
	t.Run("load test copies", func(t *testing.T) {
		a, b := cfg.Services["api_0"], cfg.Services["api_1"]
		if a.Fingerprint != b.Fingerprint || a.WatchKey != b.WatchKey || a.Config.UsePreviousBackends {
			t.Fatalf("copies differ: %+v %+v", a, b)
		}
		if a.Sections["haproxy"] == nil || a.Sections["file_output"] != nil {
			t.Fatalf("sections = %v", a.Sections)
		}
	})
	t.Run("reserved", func(t *testing.T) {
		if s := cfg.Statsd; s == nil || s.Host != "localhost" || s.Port != 9125 {
			t.Fatalf("statsd = %+v", s)
		}
		if p := cfg.Prometheus; !p.Enabled || p.Addr() != "127.0.0.1:9999" {
			t.Fatalf("prometheus = %+v", p)
		}
		if len(cfg.Generators) != 2 || cfg.Generators["file_output"].Built.(*fakeGen).top.OutputDirectory != "/tmp/synapse-out" {
			t.Fatalf("generators = %+v", cfg.Generators)
		}
	})
	t.Run("warnings", func(t *testing.T) {
		text := warningsText(warnings)
		for _, want := range []string{
			"testdata/good.yaml:26: services.api.typo_key: unknown key",
			"services.api.discovery.label_filter: label_filter is deprecated",
			"services.web.haproxy.server_port_override: deprecated",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("warnings lack %q:\n%s", want, text)
			}
		}
		if !strings.Contains(text, "services.api.nginx: unknown key") {
			t.Errorf("a section of an unregistered generator did not warn:\n%s", text)
		}
	})
	t.Run("desired", func(t *testing.T) {
		d := cfg.Desired(warnings)
		if len(d.Services) != 3 || d.Statsd.Port != 9125 || !d.Prometheus.Enabled || len(d.Warnings) != len(warnings) {
			t.Fatalf("desired = %+v", d)
		}
		g, err := d.Generators["haproxy"].New(generatorOptions())
		if err != nil || g.Name() != "haproxy" {
			t.Fatalf("rebuild = %v, %v", g, err)
		}
	})
}

// TestServiceConfDir: files override inline services, .yaml over .json,
// .yml ignored, ERB rendered in every file.
func TestServiceConfDir(t *testing.T) {
	cfg, warnings, err := Load("testdata/confdir/synapse.yaml", envOf(map[string]string{"KIND": "yaml"}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := strings.Join(cfg.ServiceNames(), ","); got != "api,db,web" {
		t.Fatalf("services = %s (warnings %v)", got, warnings)
	}
	for name, want := range map[string]string{"web": "/from-yaml", "api": "/api", "db": "/db"} {
		if got := cfg.Services[name].Discovery.(*fakeZK).Path; got != want {
			t.Errorf("%s path = %q, want %q", name, got, want)
		}
	}
}

func TestLoadBad(t *testing.T) {
	const gens = "haproxy: {config_file_path: /tmp/h.cfg}\n"
	const zk = "{method: zookeeper, hosts: [zk:2181], path: /p}"
	cases := []struct {
		name string
		src  string
		want []string
	}{
		{"unknown top-level key", gens + "bogus: {}\n",
			[]string{`bad.yaml:2: bogus: unknown config generator "bogus"; known generators: file_output, haproxy; reserved keys: file_mode, prometheus, service_conf_dir, services, statsd`}},
		{"no generators", "services: {}\n", []string{"bad.yaml: no config generators supplied"}},
		{"missing discovery", gens + "services:\n  web:\n    haproxy: {port: 1}\n",
			[]string{"bad.yaml:4: services.web: missing required option discovery"}},
		{"missing method", gens + "services:\n  web:\n    discovery: {path: /x}\n",
			[]string{"bad.yaml:4: services.web.discovery: missing method, one of: zookeeper"}},
		{"unknown method", gens + "services:\n  web:\n    discovery: {method: Bogus}\n",
			[]string{`bad.yaml:4: services.web.discovery.method: unknown method "Bogus", known: zookeeper`}},
		{"discovery_multi needs multi", gens + "services:\n  web:\n    discovery: " + zk + "\n    discovery_multi: {resolver: {method: union}}\n",
			[]string{`services.web.discovery_multi.method: unknown method "multi", known: zookeeper`}},
		{"bad port override", gens + "services:\n  web:\n    backend_port_override: abc\n    discovery: " + zk + "\n",
			[]string{`bad.yaml:4: services.web.backend_port_override: invalid backend_port_override value "abc"`}},
		{"bad deprecated port override", gens + "services:\n  web:\n    haproxy: {server_port_override: x1}\n    discovery: " + zk + "\n",
			[]string{`bad.yaml:4: services.web.haproxy.server_port_override: invalid backend_port_override value "x1"`}},
		{"bad label condition", gens + "services:\n  web:\n    discovery: {method: zookeeper, label_filters: [{label: a, value: b, condition: like}]}\n",
			[]string{`bad.yaml:4: services.web.discovery.label_filters: filter on label "a": invalid condition "like"`}},
		{"generator section rejected", gens + "services:\n  web:\n    discovery: " + zk + "\n    haproxy: {port: -1}\n",
			[]string{"bad.yaml:5: services.web.haproxy: port -1 is negative"}},
		{"generator top-level rejected", gens + "file_output: {}\n",
			[]string{"bad.yaml:2: file_output: missing output_directory"}},
		{"wrong type", gens + "services:\n  web:\n    keep_default_servers: [1]\n    discovery: " + zk + "\n",
			[]string{"bad.yaml:4: services.web.keep_default_servers:"}},
		{"conf dir missing", gens + "service_conf_dir: /nonexistent/dir\n",
			[]string{"bad.yaml: service_conf_dir: service conf dir /nonexistent/dir does not exist"}},
		{"erb", gens + "x: <% if %>\n", []string{"bad.yaml:2"}},
		{"statsd port", gens + "statsd: {port: 70000}\n", []string{"bad.yaml:2: statsd.port: 70000 is not a port"}},
		{"file_mode not octal", gens + "file_mode: 0648\n",
			[]string{`bad.yaml:2: file_mode: "0648" is not an octal file mode such as 0644`}},
		{"file_mode locks the owner out", gens + "file_mode: 0440\n",
			[]string{`bad.yaml:2: file_mode: "0440": 0440 does not let the owner read and write`}},
		{"file_mode a mapping", gens + "file_mode: {a: 1}\n", []string{"bad.yaml:2: file_mode: must be an octal file mode"}},
		{"every problem", "services:\n  a: {discovery: {method: nope}}\n  b: {}\n",
			[]string{"no config generators supplied", "services.a.discovery.method", "services.b: missing required option discovery"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.yaml")
			if err := os.WriteFile(path, []byte(tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err := Load(path, envOf(nil))
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
		})
	}
}

func TestRewriteMulti(t *testing.T) {
	src := `
discovery: {method: zookeeper, discovery_jitter: 25, hosts: [a, b, c]}
discovery_multi:
  resolver: {method: fallback}
  watchers:
    primary: should_throw_error_if_used
    secondary: {method: zookeeper, path: /s}
`
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(src), &root); err != nil {
		t.Fatal(err)
	}
	l := &loader{main: config.NewDecoder("x.yaml"), file: "x.yaml"}
	top := root.Content[0]
	got := l.rewriteMulti(source{name: "service1", file: "x.yaml", d: l.main}, "services.service1",
		lookup(top, "discovery"), lookup(top, "discovery_multi"))
	want := `{"method":"multi","resolver":{"method":"fallback"},"watchers":{"primary":{"discovery_jitter":25,"hosts":["a","b","c"],"method":"zookeeper"},"secondary":{"method":"zookeeper","path":"/s"}}}`
	if c := canonical(got); c != want {
		t.Fatalf("rewritten =\n%s\nwant\n%s", c, want)
	}
	if !strings.Contains(warningsText(l.warns), "services.service1.discovery_multi.watchers.primary: replaced") {
		t.Fatalf("warnings = %v", l.warns)
	}
	t.Run("no discovery, no watchers", func(t *testing.T) {
		var m yaml.Node
		_ = yaml.Unmarshal([]byte("{method: Multi}"), &m)
		got := l.rewriteMulti(source{d: l.main}, "s", nil, m.Content[0])
		if c := canonical(got); c != `{"method":"Multi","watchers":{"primary":null}}` {
			t.Fatalf("rewritten = %s", c)
		}
	})
}

// file_mode reaches every generator the daemon builds, and changes their
// fingerprint so a reload rebuilds them; the loader's own validation build
// never gets it (checking a config must not chmod files).
func TestFileMode(t *testing.T) {
	const base = "haproxy: {config_file_path: /tmp/h.cfg}\nfile_output: {output_directory: /tmp/o}\n"
	load := func(t *testing.T, src string) *Config {
		t.Helper()
		path := filepath.Join(t.TempDir(), "synapse.yaml")
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, _, err := Load(path, envOf(nil))
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	plain := load(t, base).Desired(nil)
	for _, tc := range []struct{ name, value string }{{"yaml octal", "0640"}, {"no zero", "640"}, {"string", `"0640"`}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := load(t, base+"file_mode: "+tc.value+"\n")
			if cfg.FileMode != 0o640 {
				t.Fatalf("FileMode = %#o, want 0640", cfg.FileMode)
			}
			d := cfg.Desired(nil)
			for _, name := range []string{"haproxy", "file_output"} {
				if got := cfg.Generators[name].Built.(*fakeGen).opts.FileMode; got != 0 {
					t.Errorf("%s: validation build got file_mode %#o", name, got)
				}
				g, err := d.Generators[name].New(generator.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if got := g.(*fakeGen).opts.FileMode; got != 0o640 {
					t.Errorf("%s: daemon build got file_mode %#o, want 0640", name, got)
				}
				if d.Generators[name].Fingerprint == plain.Generators[name].Fingerprint {
					t.Errorf("%s: fingerprint does not change with file_mode", name)
				}
			}
		})
	}
}

// The /metrics and /status server binds loopback unless told otherwise
// (Yelp's default was every interface); an explicit bind is kept.
func TestPrometheusDefaults(t *testing.T) {
	for _, tc := range []struct {
		in   *Prometheus
		want string
	}{
		{nil, "127.0.0.1:9293"},
		{&Prometheus{Enabled: true}, "127.0.0.1:9293"},
		{&Prometheus{Bind: "0.0.0.0", Port: 9000}, "0.0.0.0:9000"},
	} {
		if got := prometheusConfig(tc.in).Addr(); got != tc.want {
			t.Errorf("prometheusConfig(%+v).Addr() = %s, want %s", tc.in, got, tc.want)
		}
	}
}
