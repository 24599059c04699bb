package http

import (
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/check"
)

func common(port int) check.Common {
	return check.Common{Type: "http", Host: "127.0.0.1", Port: port, Timeout: 300 * time.Millisecond, Rise: 1, Fall: 1}
}

func TestDefaults(t *testing.T) {
	c, err := New(common(8080), decoder("uri: /health?full=1"))
	if err != nil {
		t.Fatal(err)
	}
	h := c.(*Check)
	if h.s.open != 200*time.Millisecond || h.s.sslHandshake != 200*time.Millisecond || h.s.read != 300*time.Millisecond {
		t.Fatalf("open %s ssl %s read %s, want 200ms, 200ms and the check's timeout 300ms",
			h.s.open, h.s.sslHandshake, h.s.read)
	}
	if h.s.url != "http://127.0.0.1:8080/health?full=1" || h.s.ssl || h.s.expect != "" || h.s.keepAlive {
		t.Fatalf("got %+v", h.s)
	}
	if !strings.Contains(string(h.req), "\r\nConnection: close\r\n") {
		t.Fatalf("request without Connection: close:\n%s", h.req)
	}
	c, err = New(common(8080), decoder("uri: /\nkeep_alive: true"))
	if err != nil {
		t.Fatal(err)
	}
	if h := c.(*Check); !h.s.keepAlive || strings.Contains(string(h.req), "Connection:") {
		t.Fatalf("keep_alive: true gave keepAlive %v and request\n%s", h.s.keepAlive, h.req)
	}
}

func TestName(t *testing.T) {
	c, err := check.New(check.Common{Type: "http", Name: "ignored", Host: "10.0.0.1", Port: 8080},
		decoder("uri: /health"))
	if err != nil {
		t.Fatal(err)
	}
	n, ok := c.(interface{ Name() string })
	if !ok {
		t.Fatal("http check has no Name method")
	}
	if got, want := n.Name(), "http-10.0.0.1:8080/health"; got != want {
		t.Fatalf("name %q, want %q", got, want)
	}
}

func TestIPv6URL(t *testing.T) {
	c, err := New(check.Common{Type: "http", Host: "::1", Port: 80}, decoder("uri: /\nssl: true"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.(*Check).s.url; got != "https://[::1]:80/" {
		t.Fatalf("url %q, want https://[::1]:80/", got)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		port       int
		want       string
	}{
		{"missing port", "uri: /", 0, "missing required argument 'port' in http check"},
		{"missing uri", "ssl: true", 80, "missing required argument 'uri' in http check"},
		{"relative uri", "uri: health", 80, `http check: uri must start with "/", got "health"`},
		{"bad escape in uri", "uri: /%zz", 80, `http check: invalid uri "/%zz": parse "http://127.0.0.1:80/%zz": invalid URL escape "%zz"`},
		{"negative open_timeout", "uri: /\nopen_timeout: -1", 80, "http check: open_timeout must be a positive number of seconds, got -1"},
		{"zero read_timeout", "uri: /\nread_timeout: 0", 80, "http check: read_timeout must be a positive number of seconds, got 0"},
		{"infinite ssl_timeout", "uri: /\nssl_timeout: .inf", 80, "http check: ssl_timeout must be a positive number of seconds, got +Inf"},
		{"header name with a space", "uri: /\nheaders: {'X Bad': v}", 80, `http check: headers: invalid header name "X Bad"`},
		{"header value with a newline", "uri: /\nheaders: {X-A: \"a\\nb\"}", 80, `http check: headers: value of "X-A" must not contain CR, LF or NUL, got "a\nb"`},
		{"keep_alive not a bool", "uri: /\nkeep_alive: 1", 80, "http check: yaml: unmarshal errors:\n  line 2: cannot unmarshal !!int `1` into bool"},
		{"wrong type", "uri: /\nssl: maybe", 80, "http check: yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `maybe` into bool"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(common(tc.port), decoder(tc.yaml))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v\nwant %s", err, tc.want)
			}
		})
	}
}
