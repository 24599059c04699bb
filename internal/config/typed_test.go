package config

import (
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

type tCheckConfig interface{ checkType() string }

type tHTTPCheck struct {
	tCommon     `yaml:",inline"`
	URI         string   `yaml:"uri"`
	OpenTimeout Duration `yaml:"open_timeout"`
}

type tTCPCheck struct {
	tCommon `yaml:",inline"`
}

func (*tHTTPCheck) checkType() string { return "http" }
func (*tTCPCheck) checkType() string  { return "tcp" }

// Factories set defaults, since DecodeTyped does not call UnmarshalConfig.
var tChecks = map[string]func() tCheckConfig{
	"http": func() tCheckConfig { return &tHTTPCheck{OpenTimeout: Duration(200 * time.Millisecond)} },
	"tcp":  func() tCheckConfig { return &tTCPCheck{} },
}

// tPolyService is nerve's shape: reporter keys sit beside the service's own.
type tPolyService struct {
	Host         string          `yaml:"host"`
	ReporterType string          `yaml:"reporter_type"`
	Checks       []tPolyCheck    `yaml:"checks"`
	Reporter     tReporterConfig `yaml:"-"`
}

type tPolyCheck struct{ Config tCheckConfig }

func (c *tPolyCheck) UnmarshalConfig(d *Decoder, n *yaml.Node, path string) error {
	c.Config, _ = DecodeTyped(d, n, path, "type", tChecks)
	return nil
}

type tReporterConfig any

type tZK struct {
	ZKHosts []string `yaml:"zk_hosts"`
	ZKPath  string   `yaml:"zk_path"`
}

type tEtcd struct {
	EtcdHost string `yaml:"etcd_host"`
	EtcdPort int    `yaml:"etcd_port"`
}

var tReporters = map[string]func() tReporterConfig{
	"":          func() tReporterConfig { return &tZK{} },
	"zookeeper": func() tReporterConfig { return &tZK{} },
	"etcd":      func() tReporterConfig { return &tEtcd{EtcdPort: 4003} },
}

func (s *tPolyService) UnmarshalConfig(d *Decoder, n *yaml.Node, path string) error {
	type plain tPolyService
	s.Reporter, _ = DecodeTyped(d, n, path, "reporter_type", tReporters, (*plain)(s))
	return nil
}

func decodePoly(t *testing.T, src string) (map[string]tPolyService, []string, []string) {
	t.Helper()
	var got struct {
		Services map[string]tPolyService `yaml:"services"`
	}
	ws, err := Decode("f.yaml", []byte(src), &got)
	return got.Services, errorLines(err), warningLines(ws)
}

func TestDecodeTyped(t *testing.T) {
	src := `
services:
  web:
    host: h
    zk_hosts: [zk1]
    zk_path: /nerve/web
    checks:
      - {type: http, uri: /health, rise: 2}
      - {type: TCP, fall: 3}
  db:
    host: d
    reporter_type: etcd
    etcd_host: e
`
	svcs, errs, warns := decodePoly(t, src)
	if len(errs)+len(warns) != 0 {
		t.Fatalf("errors %q, warnings %q", errs, warns)
	}
	web, db := svcs["web"], svcs["db"]
	if zk, ok := web.Reporter.(*tZK); !ok || web.Host != "h" || zk.ZKPath != "/nerve/web" || len(zk.ZKHosts) != 1 {
		t.Errorf("web: %+v %+v", web, web.Reporter)
	}
	http, ok := web.Checks[0].Config.(*tHTTPCheck)
	if !ok || http.URI != "/health" || http.Rise != 2 || http.Type != "http" || http.OpenTimeout != Duration(200*time.Millisecond) {
		t.Errorf("http check: %+v", web.Checks[0].Config)
	}
	if tcp, ok := web.Checks[1].Config.(*tTCPCheck); !ok || tcp.Fall != 3 {
		t.Errorf("tcp check: %+v", web.Checks[1].Config)
	}
	if etcd, ok := db.Reporter.(*tEtcd); !ok || db.ReporterType != "etcd" || etcd.EtcdHost != "e" || etcd.EtcdPort != 4003 {
		t.Errorf("db: %+v %+v", db, db.Reporter)
	}
}

func TestDecodeTypedProblems(t *testing.T) {
	tests := []struct {
		name, src   string
		errs, warns []string
	}{
		{name: "unknown type",
			src:  "services:\n  w:\n    checks:\n      - {type: htpp, uri: /}\n",
			errs: []string{`f.yaml:4: services.w.checks[0].type: unknown type "htpp", known: http, tcp`}},
		{name: "missing type",
			src:  "services:\n  w:\n    checks:\n      - {uri: /}\n",
			errs: []string{`f.yaml:4: services.w.checks[0]: missing type, one of: http, tcp`}},
		{name: "type not a string",
			src:  "services: {w: {checks: [{type: [http]}]}}",
			errs: []string{`f.yaml:1: services.w.checks[0].type: unknown type a list, known: http, tcp`}},
		{name: "unknown reporter still checks the service",
			src: "services:\n  w:\n    reporter_type: zk\n    host: [h]\n    zk_hosts: [a]\n    checks: [{type: tcp, raise: 1}]\n",
			errs: []string{
				`f.yaml:3: services.w.reporter_type: unknown reporter_type "zk", known: etcd, zookeeper`,
				`f.yaml:4: services.w.host: cannot use a list as a string`,
			},
			warns: []string{"f.yaml:6: services.w.checks[0].raise: unknown key (did you mean rise?)"}},
		{name: "unknown keys across service and reporter",
			src: "services:\n  w:\n    host: h\n    zk_host: [a]\n    etcd_host: e\n    hots: x\n",
			warns: []string{
				"f.yaml:4: services.w.zk_host: unknown key (did you mean zk_hosts?)",
				"f.yaml:5: services.w.etcd_host: unknown key",
				"f.yaml:6: services.w.hots: unknown key (did you mean host?)",
			}},
		{name: "type errors in the concrete config",
			src: "services: {w: {checks: [{type: http, open_timeout: x, rise: y, uri: /, urі: 1}]}}",
			errs: []string{
				`f.yaml:1: services.w.checks[0].open_timeout: invalid duration "x": want seconds (2, 0.2) or a duration string ("250ms")`,
				`f.yaml:1: services.w.checks[0].rise: cannot use "y" as an integer`,
			},
			warns: []string{`f.yaml:1: services.w.checks[0].urі: unknown key (did you mean uri?)`}},
		{name: "not a mapping",
			src:  "services: {w: {checks: [http]}}",
			errs: []string{`f.yaml:1: services.w.checks[0]: cannot use "http" as a mapping`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, errs, warns := decodePoly(t, tc.src)
			equalLines(t, "errors", errs, tc.errs)
			equalLines(t, "warnings", warns, tc.warns)
		})
	}
}

func TestDecodeTypedAliasAndEmpty(t *testing.T) {
	src := "base: &b {type: tcp, rise: 4}\nchecks: [*b, ~]\n"
	var got struct {
		Base   any          `yaml:"base"`
		Checks []tPolyCheck `yaml:"checks"`
	}
	_, err := Decode("f.yaml", []byte(src), &got)
	if c, ok := got.Checks[0].Config.(*tTCPCheck); !ok || c.Rise != 4 {
		t.Errorf("aliased check: %+v", got.Checks[0].Config)
	}
	// A null list entry keeps its zero value, as any null does.
	if err != nil || got.Checks[1].Config != nil {
		t.Errorf("err %v, %+v", err, got.Checks[1])
	}
	d := NewDecoder("f")
	if cfg, ok := DecodeTyped(d, nil, "reporter", "reporter_type", tReporters); !ok || cfg == nil {
		t.Errorf("absent section with a default: %v %v %v", cfg, ok, d.Err())
	}
}

func TestAs(t *testing.T) {
	type cfg struct{ N int }
	var nilPtr *cfg
	for _, tc := range []struct {
		name string
		in   any
		ok   bool
		n    int
	}{
		{"pointer", &cfg{N: 1}, true, 1},
		{"value", cfg{N: 2}, true, 2},
		{"nil pointer", nilPtr, false, 0},
		{"other type", "x", false, 0},
		{"nil", nil, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := As[cfg](tc.in)
			if ok != tc.ok || (ok && got.N != tc.n) {
				t.Fatalf("As(%#v) = %v, %v; want N=%d, %v", tc.in, got, ok, tc.n, tc.ok)
			}
		})
	}
}
