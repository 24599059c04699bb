package metrics

import (
	"log/slog"
	"net/http"
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
