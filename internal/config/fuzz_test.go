package config

import (
	"bytes"
	"errors"
	"testing"
)

func FuzzRenderERB(f *testing.F) {
	for _, s := range []string{
		"a: <%= ENV['ZK'] %>\n",
		`b: <%= ENV.fetch("NOPE", 'd') -%>` + "\n",
		"<%# c %><%% x <% if %>",
		"<%= ENV.fetch('ZK') %><%= ENV['A'",
		"plain: 100%>\n",
		"<%= ENV.fetch('NOPE', 'it\\'s') %>",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		out, err := RenderERB("f", src, testEnv)
		if !bytes.Contains(src, []byte("<%")) && (err != nil || !bytes.Equal(out, src)) {
			t.Fatalf("text without <%% changed: %q -> %q, %v", src, out, err)
		}
		if err != nil {
			var e *Error
			if out != nil || !errors.As(err, &e) || e.Line < 1 || e.File != "f" {
				t.Fatalf("bad error %#v for %q", err, src)
			}
		}
	})
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"instance_id: h\nservices:\n  web:\n    port: 3000\n    checks: [{type: http, rise: 2, timeout: 0.2}]\n",
		`{"services": {"w": {"labels": {"a": [1, 2.5, "x", null, true]}, "check_interval": "250ms"}}}`,
		"base: &b {host: h}\nservices: {w: {<<: *b, chek: 1}}\n",
		"services: &a {w: {labels: *a}}\n",
		"private: {nested: {x: 1}}\ncount: 1.0\nratio: .inf\n",
		"{\n\t\"service_conf_dir\": \"\\/etc\"\n}",
		"- [a]\n- {b: c}\n",
		"a: !!binary aGVsbG8=\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c tConfig
		ws, err := Decode("f", data, &c)
		for _, w := range ws {
			if w.File != "f" || w.Msg == "" {
				t.Fatalf("bad warning %+v", w)
			}
		}
		if err != nil && !errors.As(err, new(*Error)) {
			t.Fatalf("error %v (%T) holds no *Error", err, err)
		}
		var p map[string]tPolyService
		_, _ = Decode("f", data, &p)
		var x any
		_, _ = Decode("f", data, &x)
	})
}
