package config

import (
	"reflect"
	"testing"
	"time"
)

func TestDecodeValues(t *testing.T) {
	src := `
instance_id: host1
services:
  web:
    host: 10.0.0.1
    port: 3000
    check_interval: 2
    check_mocked: yes
    weight: 5
    zk_hosts: [zk1:2181, zk2:2181]
    checks:
      - {type: http, uri: /health, timeout: 0.2, rise: 3, fall: 2.0}
      - type: tcp
  quoted:
    host: h
    port: "3000"
    check_mocked: True
statsd: {host: localhost, port: 8125}
ratio: 1
count: 255
`
	var c tConfig
	ws, err := Decode("nerve.yaml", []byte(src), &c)
	if err != nil || len(ws) != 0 {
		t.Fatalf("err %v, warnings %v", err, ws)
	}
	web := c.Services["web"]
	checks := []tCheck{
		{tCommon: tCommon{Type: "http", Timeout: Duration(200 * time.Millisecond), Rise: 3, Fall: 2}, URI: "/health"},
		{tCommon: tCommon{Type: "tcp"}},
	}
	switch {
	case c.InstanceID != "host1", c.Statsd != (tStatsd{"localhost", 8125}), c.Ratio != 1, c.Count != 255:
		t.Errorf("top level: %+v", c)
	case web.Host != "10.0.0.1", web.Port != 3000, web.CheckInterval != Duration(2*time.Second), !web.CheckMocked:
		t.Errorf("web: %+v", web)
	case web.Weight == nil || *web.Weight != 5, !reflect.DeepEqual(web.ZKHosts, []string{"zk1:2181", "zk2:2181"}):
		t.Errorf("web: %+v", web)
	case !reflect.DeepEqual(web.Checks, checks):
		t.Errorf("checks: %+v", web.Checks)
	}
	// The port keeps its type, as nerve reports it: a quoted port stays a string.
	if q := c.Services["quoted"]; q.Port != "3000" {
		t.Errorf("quoted port: %#v", q.Port)
	}
}

func TestDecodeTypeErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"string as integer", "services:\n  web:\n    checks:\n      - type: http\n      - rise: abc\n",
			[]string{`f.yaml:5: services.web.checks[1].rise: cannot use "abc" as an integer`}},
		{"fraction as integer", "services: {web: {checks: [{rise: 1.5}]}}",
			[]string{`f.yaml:1: services.web.checks[0].rise: cannot use "1.5" as an integer`}},
		{"out of range", "count: 256",
			[]string{`f.yaml:1: count: cannot use "256" as an integer: out of range`}},
		{"negative unsigned", "count: -1",
			[]string{`f.yaml:1: count: cannot use "-1" as an integer: out of range`}},
		{"huge", "statsd: {port: 123456789012345678901234567890}",
			[]string{`f.yaml:1: statsd.port: cannot use "123456789012345678901234567890" as an integer: out of range`}},
		{"quoted number as integer", `statsd: {port: "8125"}`,
			[]string{`f.yaml:1: statsd.port: cannot use "8125" as an integer`}},
		{"bad boolean", "services: {web: {check_mocked: maybe}}",
			[]string{`f.yaml:1: services.web.check_mocked: cannot use "maybe" as a boolean`}},
		{"bad number", "ratio: lots",
			[]string{`f.yaml:1: ratio: cannot use "lots" as a number`}},
		{"list as string", "instance_id: [a]",
			[]string{`f.yaml:1: instance_id: cannot use a list as a string`}},
		{"scalar as mapping", "services: {web: oops}",
			[]string{`f.yaml:1: services.web: cannot use "oops" as a mapping`}},
		{"mapping as list", "services: {web: {zk_hosts: {a: b}}}",
			[]string{`f.yaml:1: services.web.zk_hosts: cannot use a mapping as a list`}},
		{"bad duration", "services: {web: {check_interval: soon}}",
			[]string{`f.yaml:1: services.web.check_interval: invalid duration "soon": want seconds (2, 0.2) or a duration string ("250ms")`}},
		{"quoted key path", "services: {my.service: {port: [1], check_mocked: 3}}",
			[]string{`f.yaml:1: services["my.service"].check_mocked: cannot use "3" as a boolean`}},
		{"all collected, in order", "instance_id: [a]\nratio: x\nservices:\n  web:\n    checks: [{fall: y}]\n",
			[]string{
				`f.yaml:1: instance_id: cannot use a list as a string`,
				`f.yaml:2: ratio: cannot use "x" as a number`,
				`f.yaml:5: services.web.checks[0].fall: cannot use "y" as an integer`,
			}},
		{"top level not a mapping", "- a\n- b\n",
			[]string{`f.yaml:1: cannot use a list as a mapping`}},
		{"non-scalar key", "services: {? [a] : {}}",
			[]string{`f.yaml:1: services: cannot use a list as a key, keys must be strings`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c tConfig
			_, err := Decode("f.yaml", []byte(tc.src), &c)
			equalLines(t, "errors", errorLines(err), tc.want)
		})
	}
}

func TestErrorFields(t *testing.T) {
	var c tConfig
	_, err := Decode("nerve.conf.json", []byte("{\n \"services\": {\"web\": {\"checks\": [{}, {\"rise\": \"abc\"}]}}\n}"), &c)
	e := asError(t, err)
	want := Error{File: "nerve.conf.json", Line: 2, Path: "services.web.checks[1].rise", Value: "abc",
		Msg: `cannot use "abc" as an integer`}
	if *e != want {
		t.Errorf("got %+v\nwant %+v", *e, want)
	}
	if got := e.Error(); got != `nerve.conf.json:2: services.web.checks[1].rise: cannot use "abc" as an integer` {
		t.Errorf("Error() = %s", got)
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		name string
		err  Error
		want string
	}{
		{"everything", Error{File: "f", Line: 3, Path: "a.b", Msg: "bad"}, "f:3: a.b: bad"},
		{"no line", Error{File: "f", Path: "a", Msg: "bad"}, "f: a: bad"},
		{"no file", Error{Line: 3, Msg: "bad"}, "line 3: bad"},
		{"message from cause", Error{File: "f", Err: errTest}, "f: test cause"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDecodeKeepsDefaults(t *testing.T) {
	tests := []struct{ name, src string }{
		{"absent", "instance_id: x"},
		{"null", "statsd: ~\nratio: null\ninstance_id:"},
		{"null fields", "statsd: {host: ~, port: }"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tConfig{InstanceID: "x", Statsd: tStatsd{"localhost", 8125}, Ratio: 0.5}
			if _, err := Decode("f.yaml", []byte(tc.src), &c); err != nil {
				t.Fatal(err)
			}
			if c.InstanceID != "x" || c.Statsd != (tStatsd{"localhost", 8125}) || c.Ratio != 0.5 {
				t.Errorf("defaults lost: %+v", c)
			}
		})
	}
}

func TestDecodeUnmarshalerHook(t *testing.T) {
	var got struct {
		Checks []tDefaulted           `yaml:"checks"`
		ByName map[string]*tDefaulted `yaml:"by_name"`
	}
	src := "checks: [{timeout: 1}, {rise: 0}, {}]\nby_name: {a: {rise: 4, typo: 1}}"
	ws, err := Decode("f.yaml", []byte(src), &got)
	equalLines(t, "errors", errorLines(err), []string{"f.yaml:1: checks[1].rise: rise must be >= 1"})
	equalLines(t, "warnings", warningLines(ws), []string{"f.yaml:2: by_name.a.typo: unknown key"})
	want := []tDefaulted{{1, Duration(time.Second)}, {0, Duration(100 * time.Millisecond)}, {1, Duration(100 * time.Millisecond)}}
	if !reflect.DeepEqual(got.Checks, want) || *got.ByName["a"] != (tDefaulted{4, Duration(100 * time.Millisecond)}) {
		t.Errorf("got %+v %+v", got.Checks, got.ByName["a"])
	}
}

func TestDecodeOpenContent(t *testing.T) {
	src := `
services:
  web:
    labels:
      az: us-east-1a
      canary: yes
      flag: Off
      n: 3
      big: 18446744073709551615
      f: 1.5
      exp: 1e5
      mode: 0755
      day: 2001-12-14
      quoted: "yes"
      nothing: ~
      list: [1, two, {x: y}]
    raw: {anything: [goes, here]}
private:
  known: k
  whatever: 1
  nested: {deep_unknown: 2}
`
	var c tConfig
	ws, err := Decode("f.yaml", []byte(src), &c)
	if err != nil || len(ws) != 0 {
		t.Fatalf("err %v, warnings %v", err, ws)
	}
	want := map[string]any{
		"az": "us-east-1a", "canary": true, "flag": false, "n": 3, "big": uint64(18446744073709551615),
		"f": 1.5, "exp": "1e5", "mode": 493, "day": "2001-12-14", "quoted": "yes", "nothing": nil,
		"list": []any{3 - 2, "two", map[string]any{"x": "y"}},
	}
	if got := c.Services["web"].Labels; !reflect.DeepEqual(got, want) {
		t.Errorf("labels:\n got %#v\nwant %#v", got, want)
	}
	if raw := c.Services["web"].Raw; raw.Kind == 0 || len(raw.Content) != 2 {
		t.Errorf("raw node not kept: %+v", raw)
	}
	if c.Private.Known != "k" {
		t.Errorf("open struct lost its known field: %+v", c.Private)
	}
}

func TestDecodeInline(t *testing.T) {
	var got tWithInlineMap
	ws, err := Decode("f.yaml", []byte("name: n\nserver_backup_port: 8080\nextra: {a: 1}"), &got)
	if err != nil || len(ws) != 0 {
		t.Fatalf("err %v, warnings %v", err, ws)
	}
	want := map[string]any{"server_backup_port": 8080, "extra": map[string]any{"a": 1}}
	if got.Name != "n" || !reflect.DeepEqual(got.Rest, want) {
		t.Errorf("got %+v", got)
	}
}

func TestDecodeMultipleTargets(t *testing.T) {
	var common tCommon
	var stats tStatsd
	d := NewDecoder("f.yaml")
	n, err := Parse("f.yaml", []byte("type: http\nhost: h\nrise: 2\nport: x\nprot: 1"))
	if err != nil {
		t.Fatal(err)
	}
	d.Decode(n, "svc", &common, &stats)
	if common.Type != "http" || common.Rise != 2 || stats.Host != "h" {
		t.Errorf("got %+v %+v", common, stats)
	}
	equalLines(t, "errors", errorLines(d.Err()), []string{`f.yaml:4: svc.port: cannot use "x" as an integer`})
	equalLines(t, "warnings", warningLines(d.Warnings()), []string{"f.yaml:5: svc.prot: unknown key (did you mean port?)"})
}

func TestDecodeBadTarget(t *testing.T) {
	var c tConfig
	if _, err := Decode("f.yaml", []byte("a: 1"), c); err == nil {
		t.Error("decoding into a non-pointer did not fail")
	}
}

func TestDecodeKeepsEntriesWithErrors(t *testing.T) {
	var c tConfig
	_, err := Decode("f.yaml", []byte("services: {web: {host: h, port: 1, checks: [{rise: x}]}}"), &c)
	if err == nil {
		t.Fatal("no error")
	}
	if web, ok := c.Services["web"]; !ok || web.Host != "h" {
		t.Errorf("entry with an error was dropped: %+v", c.Services)
	}
}
