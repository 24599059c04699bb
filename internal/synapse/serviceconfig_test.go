package synapse

import (
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

func decodeService(t *testing.T, src string) (ServiceConfig, []config.Warning, error) {
	t.Helper()
	var c ServiceConfig
	w, err := config.Decode("svc.yaml", []byte(src), &c)
	if err == nil {
		err = c.Validate()
	}
	return c, w, err
}

func TestServiceConfigDefaults(t *testing.T) {
	for _, src := range []string{"{}", "use_previous_backends: null\n", "keep_default_servers: false\n"} {
		c, _, err := decodeService(t, src)
		if err != nil || !c.UsePreviousBackends || c.KeepDefaultServers || c.LeaderElection || c.BackendPortOverride != nil {
			t.Fatalf("%q: %+v, %v", src, c, err)
		}
	}
	c, _, err := decodeService(t, "use_previous_backends: false\nleader_election: true\nload_test_concurrency: 3\n")
	if err != nil || c.UsePreviousBackends || !c.LeaderElection || c.LoadTestConcurrency != 3 {
		t.Fatalf("%+v, %v", c, err)
	}
}

func TestDefaultServersDecode(t *testing.T) {
	src := `
default_servers:
  - name: default1
    host: 10.0.0.1
    port: "8080"
    weight: 3
    haproxy_server_options: backup
    haproxy_server_id: 12
    labels: {zone: b, az: a, n: 1}
  - {host: 10.0.0.2, port: 8081, id: 4}
`
	c, w, err := decodeService(t, src)
	if err != nil || len(w) != 0 {
		t.Fatalf("err %v, warnings %v", err, w)
	}
	bs := c.DefaultBackends()
	if len(bs) != 2 {
		t.Fatalf("%d default servers", len(bs))
	}
	first, _ := bs[0].MarshalJSON()
	want := `{"name":"default1","host":"10.0.0.1","port":"8080","id":null,"weight":3,` +
		`"haproxy_server_options":"backup","labels":{"zone":"b","az":"a","n":1}}`
	if string(first) != want {
		t.Fatalf("first = %s\nwant    %s", first, want)
	}
	if id, _ := c.DefaultServers[0].HAProxyServerID.AsInt(); id != 12 {
		t.Fatalf("haproxy_server_id = %v", c.DefaultServers[0].HAProxyServerID)
	}
	if bs[1].Name.Present() || bs[1].Port != registration.NumberPort(8081) || bs[1].ID == nil || *bs[1].ID != 4 {
		t.Fatalf("second = %+v", bs[1])
	}
}

func TestServiceConfigJSON(t *testing.T) {
	c, _, err := decodeService(t, `{"default_servers": [{"name": "a", "host": "h", "port": 1}], "backend_port_override": "8081"}`)
	if err != nil || len(c.DefaultServers) != 1 || c.BackendPortOverride.Port != registration.StringPort("8081") {
		t.Fatalf("%+v, %v", c, err)
	}
}

func TestServiceConfigErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"override letters", `backend_port_override: abc`, `invalid backend_port_override value "abc"`},
		{"override float", `backend_port_override: 80.5`, `invalid backend_port_override value 80.5`},
		{"override negative", `backend_port_override: -1`, `invalid backend_port_override value -1`},
		{"override too big", `backend_port_override: 70000`, `invalid backend_port_override value 70000`},
		{"override line break", `backend_port_override: "x\n80"`, `invalid backend_port_override value "x\n80"`},
		{"override bool", `backend_port_override: true`, `invalid backend_port_override value true`},
		{"override list", `backend_port_override: [1]`, `invalid backend_port_override value [1]`},
		{"server without host", `default_servers: [{port: 1}]`, `default_servers[0]: missing host`},
		{"server without port", `default_servers: [{host: h}]`, `default_servers[0]: missing port`},
		{"server bad port", `default_servers: [{host: h, port: http}]`, `svc.yaml:1: default_servers[0].port: cannot use "http" as a port: want an integer 0-65535`},
		{"server bad host", `default_servers: [{host: "a b", port: 1}]`, `default_servers[0]: host: invalid value "a b": character ' ' not allowed in a hostname`},
		{"server name newline", `default_servers: [{host: h, port: 1, name: "a\nb"}]`, `default_servers[0]: name: invalid value "a\nb": control character '\n'`},
		{"server list host", `default_servers: [{host: [h], port: 1}]`, `host: cannot use ["h"], want string`},
		{"server labels not a map", `default_servers: [{host: h, port: 1, labels: x}]`, `labels: cannot use "x", want object`},
		{"server float id", `default_servers: [{host: h, port: 1, id: 1.5}]`, `id: cannot use 1.5, want an integer`},
		{"negative load test", `load_test_concurrency: -1`, `load_test_concurrency: -1 is negative`},
		{"bool type", `leader_election: [1]`, `leader_election`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := decodeService(t, tc.src)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestServiceConfigUnknownKeysWarn(t *testing.T) {
	_, w, err := decodeService(t, "default_servers: [{host: h, port: 1, server_backup_port: 2}]\nkeep_default_server: true\n")
	if err != nil || len(w) != 2 {
		t.Fatalf("err %v, warnings %v", err, w)
	}
	if !strings.Contains(w[1].String(), `keep_default_servers`) {
		t.Fatalf("warning %q does not suggest the known key", w[1])
	}
}

func TestDiscoveryFilters(t *testing.T) {
	var f DiscoveryFilters
	src := `
method: base
label_filter: {label: region, value: r1, condition: equals}
label_filters:
  - {label: az, value: <%= ENV['SYNAPSE_CONFIG_VALUE'] %>, condition: not-equals}
`
	rendered, err := config.RenderERB("d.yaml", []byte(src), func(k string) (string, bool) { return "config value", k == "SYNAPSE_CONFIG_VALUE" })
	if err != nil {
		t.Fatal(err)
	}
	var method struct {
		Method string `yaml:"method"`
	}
	n, err := config.Parse("d.yaml", rendered)
	if err != nil {
		t.Fatal(err)
	}
	d := config.NewDecoder("d.yaml")
	d.Decode(n, "discovery", &method, &f)
	if err := d.Err(); err != nil || len(d.Warnings()) != 0 {
		t.Fatalf("err %v, warnings %v", err, d.Warnings())
	}
	got := f.Filters()
	if len(got) != 2 || got[0].Label != "region" || got[1].Condition != NotEquals {
		t.Fatalf("filters = %+v", got)
	}
	if v, _ := got[1].Value.AsString(); v != "config value" {
		t.Fatalf("7.1 ERB value = %v", got[1].Value)
	}
	if msg, ok := f.Deprecated(); !ok || !strings.Contains(msg, "deprecated") {
		t.Fatal("no deprecation warning")
	}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestLabelFilterValidation(t *testing.T) {
	f := DiscoveryFilters{LabelFilters: []LabelFilter{{Label: "az", Condition: "equal"}, {Condition: Equals}}}
	err := f.Validate()
	for _, want := range []string{`label_filters[0]: filter on label "az": invalid condition "equal"`, `label_filters[1]: filter on label "": missing label`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want %q", err, want)
		}
	}
	_, err = NewServiceState("foo", ServiceConfig{LabelFilters: f.LabelFilters}, StateOptions{})
	if err == nil || !strings.Contains(err.Error(), "discovery.label_filters") {
		t.Fatalf("err = %v", err)
	}
}

// The original ignores a haproxy_server_options that is not a string; so
// do we, with a warning, and the server is kept without it.
func TestDefaultServerNonStringOptions(t *testing.T) {
	for src, want := range map[string]string{
		"default_servers: [{host: h, port: 1, haproxy_server_options: 5}]":         "svc.yaml:1: default_servers[0].haproxy_server_options: 5 is not a string: ignored, as the original does",
		"default_servers:\n- {host: h, port: 1, haproxy_server_options: {a: b}}":   `svc.yaml:2: default_servers[0].haproxy_server_options: {"a":"b"} is not a string: ignored, as the original does`,
		"default_servers:\n- {host: h, port: 1, haproxy_server_options: [backup]}": `svc.yaml:2: default_servers[0].haproxy_server_options: ["backup"] is not a string: ignored, as the original does`,
	} {
		c, ws, err := decodeService(t, src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if len(ws) != 1 || ws[0].String() != want {
			t.Errorf("%s: warnings = %v, want %s", src, ws, want)
		}
		if len(c.DefaultServers) != 1 || c.DefaultServers[0].HAProxyServerOptions.Present() {
			t.Errorf("%s: servers = %+v, want one without options", src, c.DefaultServers)
		}
	}
	c, ws, err := decodeService(t, "default_servers: [{host: h, port: 1, haproxy_server_options: backup}]")
	if o, _ := c.DefaultServers[0].HAProxyServerOptions.AsString(); err != nil || len(ws) != 0 || o != "backup" {
		t.Errorf("string options: %q, %v, %v", o, ws, err)
	}
}

// One mistake gives one error: a port of the wrong kind is not also
// reported missing.
func TestDefaultServerOneErrorPerMistake(t *testing.T) {
	for src, want := range map[string]string{
		"default_servers: [{host: h, port: [1]}]": `svc.yaml:1: default_servers[0].port: cannot use [1] as a port: want an integer 0-65535`,
		"default_servers: [{host: h, port: 1e9}]": `svc.yaml:1: default_servers[0].port: cannot use "1e9" as a port: want an integer 0-65535`,
		"default_servers: [{host: [h], port: 1}]": `svc.yaml:1: default_servers[0].host: cannot use ["h"], want string`,
	} {
		_, _, err := decodeService(t, src)
		if err == nil || err.Error() != want {
			t.Errorf("%s:\n got: %v\nwant: %s", src, err, want)
		}
	}
}
