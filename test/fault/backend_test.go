package fault

import (
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
)

// health is what a backend's /health does.
type health int32

const (
	healthy health = iota
	sick           // 503
	hung           // accepts the request and never answers
)

// backend is an HTTP service in the test process: / answers "hello from
// <name>", /health as set.
type backend struct {
	name, addr string
	port       int
	health     atomic.Int32
	release    chan struct{} // closed at cleanup: hung requests return
	nerve      *nerveProc
}

func startBackend(t *testing.T, name string) *backend {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &backend{name: name, addr: l.Addr().String(), port: l.Addr().(*net.TCPAddr).Port, release: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("/health", b.serveHealth)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintf(w, "hello from %s\n", name) })
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() {
		close(b.release)
		_ = srv.Close()
	})
	return b
}

func (b *backend) set(h health) { b.health.Store(int32(h)) }

func (b *backend) serveHealth(w http.ResponseWriter, r *http.Request) {
	switch health(b.health.Load()) {
	case sick:
		http.Error(w, "sick", http.StatusServiceUnavailable)
	case hung:
		select {
		case <-r.Context().Done():
		case <-b.release:
		}
	default:
		fmt.Fprintln(w, "ok")
	}
}
