package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDecodeJSONQuirks(t *testing.T) {
	tests := []struct {
		name, src string
		check     func(*tConfig) bool
	}{
		{"tab indentation", "{\n\t\"instance_id\": \"h\",\n\t\"services\": {\n\t\t\"web\": {\"port\": 1}\n\t}\n}",
			func(c *tConfig) bool { return c.InstanceID == "h" && c.Services["web"].Port == 1 }},
		{"escaped slash", `{"service_conf_dir": "\/etc\/nerve\/services"}`,
			func(c *tConfig) bool { return c.ServiceConfDir == "/etc/nerve/services" }},
		{"unicode escapes", `{"instance_id": "caf\u00e9 \ud83d\ude00"}`,
			func(c *tConfig) bool { return c.InstanceID == "café 😀" }},
		{"float with zero fraction as integer", `{"statsd": {"port": 8125.0}}`,
			func(c *tConfig) bool { return c.Statsd.Port == 8125 }},
		{"integer as float", `{"ratio": 1}`,
			func(c *tConfig) bool { return c.Ratio == 1 }},
		{"exponent", `{"ratio": 1e-1, "services": {"w": {"check_interval": 2E0}}}`,
			func(c *tConfig) bool {
				return c.Ratio == 0.1 && c.Services["w"].CheckInterval == Duration(2*time.Second)
			}},
		{"big integer kept in open content", `{"services": {"w": {"labels": {"id": 18446744073709551615, "huge": 1234567890123456789012}}}}`,
			func(c *tConfig) bool {
				l := c.Services["w"].Labels
				return l["id"] == uint64(18446744073709551615) && l["huge"] == 1234567890123456789012.0
			}},
		{"json numbers stay numbers in open content", `{"services": {"w": {"labels": {"e": 1e5, "one": 1.0, "s": "yes"}}}}`,
			func(c *tConfig) bool {
				l := c.Services["w"].Labels
				return l["e"] == 100000.0 && l["one"] == 1.0 && l["s"] == "yes"
			}},
		{"port type kept", `{"services": {"a": {"port": 3000}, "b": {"port": "3000"}}}`,
			func(c *tConfig) bool { return c.Services["a"].Port == 3000 && c.Services["b"].Port == "3000" }},
		{"merge key is just a key in json", `{"services": {"w": {"labels": {"<<": {"a": 1}}}}}`,
			func(c *tConfig) bool { return reflect.DeepEqual(c.Services["w"].Labels["<<"], map[string]any{"a": 1}) }},
		{"byte order mark", "\xef\xbb\xbf{\"instance_id\": \"h\"}",
			func(c *tConfig) bool { return c.InstanceID == "h" }},
		{"compact", `{"instance_id":"h","services":{"w":{"checks":[{"type":"tcp","rise":2}]}}}`,
			func(c *tConfig) bool { return c.Services["w"].Checks[0].Rise == 2 }},
		{"null", `{"instance_id": null, "statsd": null}`,
			func(c *tConfig) bool { return c.InstanceID == "" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c tConfig
			ws, err := Decode("nerve.conf.json", []byte(tc.src), &c)
			if err != nil || len(ws) != 0 {
				t.Fatalf("err %v, warnings %v", err, ws)
			}
			if !tc.check(&c) {
				t.Errorf("decoded %+v", c)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"yaml syntax", "a: b\n  c: d\n", "f:2: not valid yaml: mapping values are not allowed in this context"},
		{"yaml tab indentation", "a:\n\tb: c\n", "f:2: not valid yaml: found character that cannot start any token"},
		{"json missing comma", "{\n\t\"a\": 1\n\t\"b\": 2\n}", `f:3: not valid json: invalid character '"' after object key:value pair`},
		{"json mismatched bracket", "{\n\t\"a\": [1,\n\t\t2\n\t}", "f:4: not valid json: invalid character '}' after array element"},
		{"unknown anchor", "a: *nope", "f: not valid yaml: unknown anchor 'nope' referenced"},
		// yaml.v3 names the start of the enclosing block; the error is on the line below.
		{"unclosed flow list", "services:\n  web:\n    discovery:\n      method: zookeeper\n      hosts: [a:1\n      path: /x\n",
			"f:5: not valid yaml: did not find expected ',' or ']'"},
		{"mis-indented key deep in a block", "haproxy:\n  global: []\nservices:\n  web:\n    discovery:\n      method: zookeeper\n     path: /x\n",
			"f:7: not valid yaml: did not find expected key"},
		{"mis-indented list item", "services:\n  web:\n    haproxy:\n      listen:\n        - mode http\n       - balance roundrobin\n",
			"f:6: not valid yaml: did not find expected key"},
		{"tab in a block", "services:\n  web:\n    discovery:\n      method: zookeeper\n\thosts: [a:1]\n",
			"f:5: not valid yaml: found a tab character that violates indentation"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f", []byte(tc.src))
			if err == nil {
				t.Fatal("no error")
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestParseJSONLines(t *testing.T) {
	src := "{\n  \"instance_id\": [],\n\n  \"services\": {\n    \"w\": {\"port\": 1, \"rise\": 2}\n  }\n}\n"
	var c tConfig
	ws, err := Decode("n.json", []byte(src), &c)
	equalLines(t, "errors", errorLines(err), []string{"n.json:2: instance_id: cannot use a list as a string"})
	equalLines(t, "warnings", warningLines(ws), []string{"n.json:5: services.w.rise: unknown key"})
}

func TestDecodeEmpty(t *testing.T) {
	for _, src := range []string{"", "\n", "# just a comment\n", "---\n"} {
		c := tConfig{InstanceID: "default"}
		ws, err := Decode("f", []byte(src), &c)
		if err != nil || len(ws) != 0 || c.InstanceID != "default" {
			t.Errorf("%q: err %v, warnings %v, %+v", src, err, ws, c)
		}
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	unreadable := filepath.Join(dir, "unreadable.yaml")
	if err := os.WriteFile(unreadable, []byte("a: 1"), 0o200); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
		is               error
	}{
		{"missing", filepath.Join(dir, "nope.yaml"), "config file does not exist", fs.ErrNotExist},
		{"directory", dir, "could not open config file: is a directory", nil},
	}
	if os.Geteuid() != 0 { // root reads anything
		tests = append(tests, struct {
			name, path, want string
			is               error
		}{"unreadable", unreadable, "could not open config file: permission denied", fs.ErrPermission})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadFile(tc.path)
			if err == nil {
				t.Fatal("no error")
			}
			if got := err.Error(); got != tc.path+": "+tc.want {
				t.Errorf("got %q", got)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("%v is not %v", err, tc.is)
			}
		})
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	env := func(k string) (string, bool) {
		v, ok := map[string]string{"HOST": "zk1"}[k]
		return v, ok
	}
	good := write("synapse.yaml", "instance_id: <%= ENV['HOST'] %>\nstatsd:\n  host: <%= ENV.fetch('STATSD', 'localhost') %>\n  prot: 1\n")
	var c tConfig
	ws, err := LoadFile(good, env, &c)
	if err != nil || c.InstanceID != "zk1" || c.Statsd.Host != "localhost" {
		t.Fatalf("err %v, %+v", err, c)
	}
	equalLines(t, "warnings", warningLines(ws), []string{good + ":4: statsd.prot: unknown key (did you mean port?)"})

	tests := []struct{ name, path, want string }{
		{"missing", filepath.Join(dir, "nope.yaml"), "config file does not exist"},
		{"erb", write("erb.yaml", "a: 1\nb: <% if x %>\n"), `:2: erb tag "<% if x %>": unsupported`},
		{"yaml", write("bad.yaml", "a: [\n"), "not valid yaml"},
		{"type", write("type.json", `{"ratio": "x"}`), `:1: ratio: cannot use "x" as a number`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadFile(tc.path, env, &tConfig{})
			if err == nil || !strings.HasPrefix(err.Error(), tc.path) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %s... containing %q", err, tc.path, tc.want)
			}
		})
	}
}
