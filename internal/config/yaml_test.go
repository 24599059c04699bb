package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

var errTest = errors.New("test cause")

func TestDecodeMergeKeys(t *testing.T) {
	src := `
base: &base
  host: base-host
  port: 1
other: &other
  port: 2
  check_mocked: true
services:
  web:
    <<: [*base, *other]
    port: 3000
  api:
    <<: *base
    zk_hosts: [a]
`
	var got struct {
		Base     any                 `yaml:"base"`
		Other    any                 `yaml:"other"`
		Services map[string]tService `yaml:"services"`
	}
	ws, err := Decode("f.yaml", []byte(src), &got)
	if err != nil || len(ws) != 0 {
		t.Fatalf("err %v, warnings %v", err, ws)
	}
	web, api := got.Services["web"], got.Services["api"]
	if web.Host != "base-host" || web.Port != 3000 || !web.CheckMocked {
		t.Errorf("web: %+v", web)
	}
	if api.Host != "base-host" || api.Port != 1 || len(api.ZKHosts) != 1 {
		t.Errorf("api: %+v", api)
	}
}

func TestDecodeYAMLProblems(t *testing.T) {
	tests := []struct {
		name, src  string
		wantErrs   []string
		wantWarns  []string
		wantInstID string
	}{
		{name: "duplicate key, last wins (Psych)", src: "instance_id: a\ninstance_id: b\n",
			wantWarns:  []string{"f.yaml:2: instance_id: duplicate key, replaces the value at line 1"},
			wantInstID: "b"},
		{name: "alias cycle", src: "services: &a {web: {labels: *a}}\n",
			wantErrs: []string{"f.yaml:1: services.web.labels.web.labels: alias *a refers to itself"}},
		{name: "merge cycle", src: "statsd: &a {<<: *a, host: h}\n",
			wantErrs: []string{"f.yaml:1: statsd: alias *a refers to itself"}},
		{name: "merge of a scalar", src: "statsd: {<<: x}\n",
			wantErrs: []string{`f.yaml:1: statsd: cannot merge "x" into a mapping`}},
		{name: "merge cycle through a value", src: "services: {web: {labels: &b {w: {<<: *b}}}}\n",
			wantErrs: []string{"f.yaml:1: services.web.labels.w.w: alias *b refers to itself"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c tConfig
			ws, err := Decode("f.yaml", []byte(tc.src), &c)
			equalLines(t, "errors", errorLines(err), tc.wantErrs)
			equalLines(t, "warnings", warningLines(ws), tc.wantWarns)
			if c.InstanceID != tc.wantInstID {
				t.Errorf("instance_id %q, want %q", c.InstanceID, tc.wantInstID)
			}
		})
	}
}

func TestDecodeTooDeep(t *testing.T) {
	src := "services: {web: {labels: {a: " + strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + "}}}"
	var c tConfig
	_, err := Decode("f.yaml", []byte(src), &c)
	want := "f.yaml:1: services.web.labels.a" + strings.Repeat("[0]", 19) + "[0..." +
		": config nested more than 1000 levels deep"
	equalLines(t, "errors", errorLines(err), []string{want})
}

func TestDecodeAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		prev := "*a" + string(rune('0'+i-1))
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [" +
			strings.Repeat(prev+", ", 9) + prev + "]\n")
	}
	var got map[string]any
	_, err := Decode("f.yaml", []byte(b.String()), &got)
	if err == nil || !strings.Contains(err.Error(), "config too large: aliases expand to more than 200000 values") {
		t.Errorf("got %v, want a too-large error", err)
	}
}

func TestDecodeUnknownKeys(t *testing.T) {
	src := `
instance_id: x
instnce_id: y
Service_Conf_Dir: d
services:
  web:
    chek_interval: 2
    check-mocked: true
    hots: h
    server_backup_port: 9
    checks:
      - {type: http, uri: /, raise: 2, timout: 1, headrs: {}}
    labels: {anything: goes}
statsd: {hostname: h, p: 1}
xy: 1
`
	var c tConfig
	ws, err := Decode("f.yaml", []byte(src), &c)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"f.yaml:3: instnce_id: unknown key (did you mean instance_id?)",
		"f.yaml:4: Service_Conf_Dir: unknown key (did you mean service_conf_dir?)",
		"f.yaml:7: services.web.chek_interval: unknown key (did you mean check_interval?)",
		"f.yaml:8: services.web.check-mocked: unknown key (did you mean check_mocked?)",
		"f.yaml:9: services.web.hots: unknown key (did you mean host?)",
		"f.yaml:10: services.web.server_backup_port: unknown key",
		"f.yaml:12: services.web.checks[0].raise: unknown key (did you mean rise?)",
		"f.yaml:12: services.web.checks[0].timout: unknown key (did you mean timeout?)",
		"f.yaml:12: services.web.checks[0].headrs: unknown key (did you mean headers?)",
		"f.yaml:14: statsd.hostname: unknown key",
		"f.yaml:14: statsd.p: unknown key",
		"f.yaml:15: xy: unknown key",
	}
	equalLines(t, "warnings", warningLines(ws), want)
}

func TestSuggest(t *testing.T) {
	known := []string{"check_interval", "fall", "host", "port", "rise", "timeout", "uri", "zk_hosts", "zk_path"}
	tests := []struct{ key, want string }{
		{"chek_interval", "check_interval"},
		{"CheckInterval", "check_interval"},
		{"check-interval", "check_interval"},
		{"CHECK_INTERVAL", "check_interval"},
		{"checkinterval_x", ""},
		{"hots", "host"},
		{"prot", "port"},
		{"zk_host", "zk_hosts"},
		{"zk_paths", "zk_path"},
		{"ur", ""},
		{"uri", "uri"},
		{"foo", ""},
		{"server_backup_port", ""},
		{"timeuot", "timeout"},
		{"rose", "rise"},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			if got := suggest(tc.key, known); got != tc.want {
				t.Errorf("suggest(%q) = %q, want %q", tc.key, got, tc.want)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"host", "hots", 1}, {"kitten", "sitting", 3}, {"ab", "ba", 1}, {"héllo", "hello", 1},
	}
	for _, tc := range tests {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestPathHelpers(t *testing.T) {
	tests := []struct{ got, want string }{
		{KeyPath("", "services"), "services"},
		{KeyPath("services", "web"), "services.web"},
		{KeyPath("services", "a.b"), `services["a.b"]`},
		{KeyPath("services", ""), `services[""]`},
		{KeyPath("services", "with space"), `services["with space"]`},
		{IndexPath("checks", 2), "checks[2]"},
		{KeyPath(IndexPath("checks", 0), "rise"), "checks[0].rise"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestStructInfo(t *testing.T) {
	si := structInfoOf(reflect.TypeFor[tCheck]())
	want := []string{"fall", "headers", "rise", "timeout", "type", "uri"}
	if !reflect.DeepEqual(si.keys, want) {
		t.Errorf("keys %v, want %v", si.keys, want)
	}
	type odd struct {
		Plain   int
		Skipped int `yaml:"-"`
		hidden  int
		Named   int `yaml:"named_key,omitempty"`
	}
	_ = odd{}.hidden
	si = structInfoOf(reflect.TypeFor[odd]())
	if want := []string{"named_key", "plain"}; !reflect.DeepEqual(si.keys, want) {
		t.Errorf("keys %v, want %v", si.keys, want)
	}
}
