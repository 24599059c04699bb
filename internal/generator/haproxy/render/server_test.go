package render

import (
	"errors"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

func backend(name, host string, port int) Backend {
	b := Backend{Backend: registration.Backend{Host: host, Port: registration.NumberPort(port)}}
	if name != "" {
		b.Name = registration.StringValue(name)
	}
	return b
}

func withOptions(b Backend, hso string) Backend {
	b.HAProxyServerOptions = registration.StringValue(hso)
	return b
}

func TestServerName(t *testing.T) {
	tests := []struct {
		name string
		b    registration.Backend
		want string
	}{
		{"no name", backend("", "h", 1).Backend, "h:1"},
		{"empty name", backend("", "h", 1).Backend, "h:1"},
		{"named", backend("i-1", "10.0.0.1", 80).Backend, "i-1_10.0.0.1:80"},
		{"string port", registration.Backend{Host: "h", Port: registration.StringPort("3001")}, "h:3001"},
		{"null name", registration.Backend{Name: registration.NullValue(), Host: "h", Port: registration.NumberPort(2)}, "h:2"},
		{"every name character", backend("aZ09._:-", "h", 1).Backend, "aZ09._:-_h:1"},
		{"space ; $() #", backend("a b;$(x)#", "h", 1).Backend, "a_b___x___h:1-d8b0a4bb"},
		{"same replacement, other hash", backend("a;b;$(x)#", "h", 1).Backend, "a_b___x___h:1-6cb267b0"},
		{"unicode is one character", backend("é", "h", 1).Backend, "__h:1-9abaf5af"},
		{"200 characters kept", backend(strings.Repeat("a", 196), "h", 1).Backend, strings.Repeat("a", 196) + "_h:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ServerName(tt.b); got != tt.want {
				t.Errorf("ServerName = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("long names cut, still apart", func(t *testing.T) {
		a := ServerName(backend(strings.Repeat("a", 5000)+"x", "h", 1).Backend)
		b := ServerName(backend(strings.Repeat("a", 5000)+"y", "h", 1).Backend)
		c := ServerName(backend(strings.Repeat("é", 5000), "h", 1).Backend)
		for _, n := range []string{a, b, c} {
			if len(n) != maxServerName {
				t.Errorf("len(%q) = %d, want %d", n, len(n), maxServerName)
			}
		}
		if a == b {
			t.Errorf("two long names both %q", a)
		}
	})
}

func TestCookieValue(t *testing.T) {
	t.Run("hash", func(t *testing.T) {
		if got := CookieValue("hash", "somehost:5555"); got != "9e736eef2f5a1d441e34ade3d2a8eb1e3abb1c92" {
			t.Errorf("hash cookie = %q", got)
		}
	})
	t.Run("name and unknown methods", func(t *testing.T) {
		for _, m := range []string{"", "name", "md5"} {
			if got := CookieValue(m, "s:1"); got != "s:1" {
				t.Errorf("CookieValue(%q) = %q", m, got)
			}
		}
	})
}

func TestServerLine(t *testing.T) {
	base := lineSpec{service: "svc", server: "somehost:5555", backend: backend("", "somehost", 5555),
		enabled: true, id: 1, hasID: true, options: "check inter 2000 rise 3 fall 2"}
	tests := []struct {
		name   string
		modify func(*lineSpec)
		want   string
	}{
		{"plain", func(*lineSpec) {}, "\tserver somehost:5555 somehost:5555 id 1 cookie somehost:5555 check inter 2000 rise 3 fall 2"},
		{"empty options trailing space", func(s *lineSpec) { s.options = "" }, "\tserver somehost:5555 somehost:5555 id 1 cookie somehost:5555 "},
		{"tcp", func(s *lineSpec) { s.tcpMode = true }, "\tserver somehost:5555 somehost:5555 id 1 check inter 2000 rise 3 fall 2"},
		{"disabled", func(s *lineSpec) { s.enabled = false; s.options = "check" }, "\tserver somehost:5555 somehost:5555 id 1 cookie somehost:5555 check disabled"},
		{"no id", func(s *lineSpec) { s.hasID = false; s.options = "check" }, "\tserver somehost:5555 somehost:5555 cookie somehost:5555 check"},
		{"options id", func(s *lineSpec) { s.backend = withOptions(s.backend, "id 12 backup") },
			"\tserver somehost:5555 somehost:5555 cookie somehost:5555 check inter 2000 rise 3 fall 2 id 12 backup"},
		{"idle token not id", func(s *lineSpec) { s.backend = withOptions(s.backend, "idx 3"); s.options = "" },
			"\tserver somehost:5555 somehost:5555 id 1 cookie somehost:5555  idx 3"},
		{"hash cookie", func(s *lineSpec) { s.cookie = "hash"; s.options = "" },
			"\tserver somehost:5555 somehost:5555 id 1 cookie 9e736eef2f5a1d441e34ade3d2a8eb1e3abb1c92 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			tt.modify(&s)
			got, _, err := serverLine(s)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("line\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestServerLineWeights(t *testing.T) {
	b := backend("", "somehost", 5555)
	weighted := func(w registration.Value, hso string) lineSpec {
		bb := b
		bb.Weight = w
		if hso != "" {
			bb = withOptions(bb, hso)
		}
		return lineSpec{service: "svc", server: "somehost:5555", backend: bb, enabled: true, id: 1, hasID: true, useNerve: true}
	}
	tests := []struct {
		name     string
		spec     lineSpec
		want     string
		warnings int
	}{
		{"weight", weighted(registration.IntValue(1), ""), "\tserver somehost:5555 somehost:5555 id 1 cookie somehost:5555 weight 1", 0},
		{"nerve wins", weighted(registration.IntValue(99), "weight 50"), "\tserver somehost:5555 somehost:5555 id 1 cookie somehost:5555 weight 99", 1},
		{"string weight ignored", weighted(registration.StringValue("7"), "weight 50"), "\tserver somehost:5555 somehost:5555 id 1 cookie somehost:5555  weight 50", 0},
		{"negative ignored", weighted(registration.IntValue(-1), ""), "\tserver somehost:5555 somehost:5555 id 1 cookie somehost:5555 ", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warnings, err := serverLine(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want || len(warnings) != tt.warnings {
				t.Errorf("line %q warnings %q, want %q and %d", got, warnings, tt.want, tt.warnings)
			}
		})
	}
}

func TestTemplate(t *testing.T) {
	v := templateVars{host: "10.0.0.1", port: "5555", name: "i-1_10.0.0.1:5555"}
	ok := []struct{ in, want string }{
		{"check port %{port}", "check port 5555"},
		{"%{host}:%{port} %{name}", "10.0.0.1:5555 i-1_10.0.0.1:5555"},
		{"agent-port %<port>d addr %<host>s", "agent-port 5555 addr 10.0.0.1"},
		{"maxconn 50%%", "maxconn 50%"},
		{"no percent", "no percent"},
	}
	for _, tt := range ok {
		t.Run(tt.in, func(t *testing.T) {
			got, err := expand(tt.in, v)
			if err != nil || got != tt.want {
				t.Errorf("expand(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
			}
		})
	}
	bad := []struct{ in, want string }{
		{"maxconn 50%", "stray"},
		{"50% off", "stray"},
		{"%{prot}", "unknown key %{prot}"},
		{"%{port", "unterminated %{"},
		{"%<host>d", "not an integer"},
		{"%<port>", "needs a conversion"},
		{"%<port>x", "unsupported conversion"},
	}
	for _, tt := range bad {
		t.Run(tt.in, func(t *testing.T) {
			_, err := expand(tt.in, v)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("expand(%q) error = %v, want %q", tt.in, err, tt.want)
			}
		})
	}
	t.Run("stray is errStray", func(t *testing.T) {
		if _, err := expand("5%", v); !errors.Is(err, errStray) {
			t.Errorf("error %v is not errStray", err)
		}
	})
}

func TestServerLineTemplateErrors(t *testing.T) {
	s := lineSpec{service: "web", server: "h:1", backend: backend("", "h", 1), enabled: true, options: "maxconn 50%"}
	if _, _, err := serverLine(s); err == nil || !strings.Contains(err.Error(), `service web: server_options "maxconn 50%"`) {
		t.Errorf("error = %v", err)
	}
	s.options, s.backend = "", withOptions(s.backend, "weight 5%")
	if _, _, err := serverLine(s); err == nil || !strings.Contains(err.Error(), `service web: haproxy_server_options "weight 5%" of server h:1`) {
		t.Errorf("error = %v", err)
	}
}

func TestOptionsID(t *testing.T) {
	tests := []struct {
		in     string
		want   int
		wantOK bool
	}{
		{"id 12 backup", 12, true}, {"backup  id   7", 7, true}, {"id", 0, true},
		{"id 12abc", 12, true}, {"id x", 0, true}, {"idx 3", 0, false}, {"", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := optionsID(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("optionsID(%q) = %d, %v", tt.in, got, ok)
			}
		})
	}
}

// FuzzExpand checks that no server_options text makes the template panic,
// and that text without '%' comes back unchanged.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{"check port %{port}", "50%", "%<port>d", "%%", "%{", "%<x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := expand(s, templateVars{host: "h", port: "1", name: "n"})
		if !strings.Contains(s, "%") && (err != nil || got != s) {
			t.Errorf("expand(%q) = %q, %v", s, got, err)
		}
	})
}
