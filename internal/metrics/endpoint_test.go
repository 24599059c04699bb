package metrics

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestEndpointApply(t *testing.T) {
	var e Endpoint
	log := slog.New(slog.DiscardHandler)
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})
	if e.Addr() != "" {
		t.Fatal("zero Endpoint is not off")
	}
	if err := e.Apply("127.0.0.1:0", h, log); err != nil {
		t.Fatal(err)
	}
	first := e.Addr()
	if first == "" {
		t.Fatal("not serving after Apply")
	}
	// The same configured address keeps the running server.
	if err := e.Apply("127.0.0.1:0", h, log); err != nil || e.Addr() != first {
		t.Fatalf("unchanged addr restarted the server: %v, %s → %s", err, first, e.Addr())
	}
	if _, err := http.Get("http://" + first + "/"); err != nil {
		t.Fatalf("server not answering: %v", err)
	}
	if err := e.Apply("", h, log); err != nil || e.Addr() != "" {
		t.Fatalf("Apply(\"\") left it on: %v %q", err, e.Addr())
	}
	if _, err := http.Get("http://" + first + "/"); err == nil {
		t.Fatal("still answering after Apply(\"\")")
	}
	if err := e.Apply("127.0.0.1:0", h, log); err != nil {
		t.Fatal(err)
	}
	e.Close(time.Second)
	if e.Addr() != "" {
		t.Fatal("Close left it on")
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:9292": true, "127.1.2.3:1": true, "[::1]:9292": true, "localhost:9292": true,
		"0.0.0.0:9292": false, ":9292": false, "[::]:9292": false, "10.0.0.5:9292": false,
		"example.com:9292": false, "localhost.example.com:1": false,
	} {
		if got := IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

// A non-loopback address is warned about on every Apply (start and each
// reload), a loopback one never. 192.0.2.1 (TEST-NET-1) is not configured
// here, so nothing listens beyond loopback: the bind fails after the warning.
func TestEndpointWarnsBeyondLoopback(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {})
	var e Endpoint
	defer e.Close(time.Second)
	if err := e.Apply("127.0.0.1:0", h, log); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "beyond loopback") {
		t.Fatalf("loopback bind warned:\n%s", buf.String())
	}
	for i := 1; i <= 2; i++ {
		_ = e.Apply("192.0.2.1:0", h, log)
		if n := strings.Count(buf.String(), "level=WARN msg=\"metrics and status server listens beyond loopback"); n != i {
			t.Fatalf("after %d applies: %d warnings:\n%s", i, n, buf.String())
		}
	}
}
