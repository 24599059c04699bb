package http

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	nethttp "net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/check"
)

func decoder(src string) check.Decoder {
	return func(into any) error { return yaml.Unmarshal([]byte(src), into) }
}

func hostPort(t *testing.T, rawURL string) (string, int) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(u.Port())
	return u.Hostname(), port
}

// build makes an http check against a server URL through the registry, as
// the config layer will.
func build(t *testing.T, serverURL, yamlSrc string, timeout time.Duration) check.Check {
	t.Helper()
	host, port := hostPort(t, serverURL)
	c, err := check.New(check.Common{Type: "http", Host: host, Port: port, Timeout: timeout, Rise: 1, Fall: 1},
		decoder("type: http\n"+yamlSrc))
	if err != nil {
		t.Fatalf("new http check: %v", err)
	}
	return c
}

func TestStatus(t *testing.T) {
	var followed atomic.Bool
	mux := nethttp.NewServeMux()
	mux.HandleFunc("/target", func(w nethttp.ResponseWriter, _ *nethttp.Request) {
		followed.Store(true)
		w.WriteHeader(500)
	})
	mux.HandleFunc("/status/", func(w nethttp.ResponseWriter, r *nethttp.Request) {
		code, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/status/"))
		if code == 302 {
			w.Header().Set("Location", "/target")
		}
		w.WriteHeader(code)
		fmt.Fprintf(w, "answer %d", code)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tests := []struct {
		code    int
		healthy bool
	}{
		{200, true}, {204, true}, {302, true}, {399, true},
		{400, false}, {404, false}, {500, false}, {503, false},
	}
	for _, tc := range tests {
		t.Run(strconv.Itoa(tc.code), func(t *testing.T) {
			c := build(t, srv.URL, fmt.Sprintf("uri: /status/%d", tc.code), time.Second)
			err := c.Check(context.Background())
			if tc.healthy && err != nil {
				t.Fatalf("status %d: want healthy, got %v", tc.code, err)
			}
			if !tc.healthy {
				want := fmt.Sprintf("status %d, body \"answer %d\"", tc.code, tc.code)
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("status %d: got %v, want an error containing %q", tc.code, err, want)
				}
			}
		})
	}
	if followed.Load() {
		t.Fatal("the 302 was followed; redirects must not be")
	}
}

func TestExpect(t *testing.T) {
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		if r.URL.Path == "/empty" {
			return
		}
		fmt.Fprint(w, "status: all good")
	}))
	defer srv.Close()
	tests := []struct {
		name, yaml, wantErr string
	}{
		{"substring found", "uri: /\nexpect: all good", ""},
		{"substring missing", "uri: /\nexpect: degraded", `body does not contain "degraded": "status: all good"`},
		{"expect with no body", "uri: /empty\nexpect: ok", `body does not contain "ok": ""`},
		{"empty expect means unset", "uri: /empty\nexpect: ''", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := build(t, srv.URL, tc.yaml, time.Second).Check(context.Background())
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("want healthy, got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestHeaders(t *testing.T) {
	got := make(chan *nethttp.Request, 1)
	srv := httptest.NewServer(nethttp.HandlerFunc(func(_ nethttp.ResponseWriter, r *nethttp.Request) {
		got <- r
	}))
	defer srv.Close()
	tests := []struct {
		name, yaml string
		want       map[string]string // "Host" means Request.Host
	}{
		{"defaults", "uri: /", map[string]string{
			"User-Agent": userAgent, "Accept": "*/*", "Connection": "close",
		}},
		{"configured on top of defaults", `uri: /
headers:
  X-Nerve-Check: "yes"
  x-port: 8080
  User-Agent: Ruby
  Host: svc.example`, map[string]string{
			"X-Nerve-Check": "yes", "X-Port": "8080", "User-Agent": "Ruby", "Accept": "*/*", "Host": "svc.example",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := build(t, srv.URL, tc.yaml, time.Second).Check(context.Background()); err != nil {
				t.Fatal(err)
			}
			r := <-got
			for k, want := range tc.want {
				v := r.Header.Get(k)
				if k == "Host" {
					v = r.Host
				}
				if k == "Connection" && r.Close {
					v = "close" // net/http consumes the header into Request.Close
				}
				if v != want {
					t.Errorf("header %s: got %q, want %q", k, v, want)
				}
			}
		})
	}
}

func TestNewConnectionEveryRound(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(nethttp.HandlerFunc(func(nethttp.ResponseWriter, *nethttp.Request) {}))
	srv.Config.ConnState = func(_ net.Conn, s nethttp.ConnState) {
		if s == nethttp.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := build(t, srv.URL, "uri: /", time.Second)
	for i := 0; i < 3; i++ {
		if err := c.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := conns.Load(); n != 3 {
		t.Fatalf("3 rounds opened %d connections, want 3", n)
	}
}

func TestErrorBodyBounded(t *testing.T) {
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, _ *nethttp.Request) {
		w.WriteHeader(500)
		fmt.Fprint(w, strings.Repeat("x", 10000))
	}))
	defer srv.Close()
	err := build(t, srv.URL, "uri: /", time.Second).Check(context.Background())
	if err == nil || !strings.HasSuffix(err.Error(), "(truncated)") {
		t.Fatalf("got %v, want a truncated body in the error", err)
	}
	if n := len(err.Error()); n > maxErrBody+200 {
		t.Fatalf("error is %d bytes, want the body bounded to %d", n, maxErrBody)
	}
}

func TestSSL(t *testing.T) {
	srv := httptest.NewUnstartedServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		if r.TLS == nil {
			t.Error("request did not arrive over TLS")
		}
		fmt.Fprint(w, "secure ok")
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the plain-http case makes it complain
	srv.StartTLS()
	defer srv.Close()
	t.Run("self-signed certificate accepted", func(t *testing.T) {
		err := build(t, srv.URL, "uri: /\nssl: true\nexpect: secure ok", time.Second).Check(context.Background())
		if err != nil {
			t.Fatalf("want healthy, got %v", err)
		}
	})
	t.Run("plain http to a tls port fails", func(t *testing.T) {
		err := build(t, srv.URL, "uri: /", time.Second).Check(context.Background())
		if err == nil || !strings.Contains(err.Error(), "status 400") {
			t.Fatalf("got %v, want the server's 400 for plain http", err)
		}
	})
}
