package watchertest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// FakeAPI is a real HTTP server on loopback standing in for the API a
// polling watcher asks (Docker's Engine, Marathon), which cannot run here:
// it answers with the current status and JSON body, or, blocked, holds the
// request until the client gives up, and records what it was asked.
type FakeAPI struct {
	*httptest.Server
	route string // "METHOD /path" served, "" for any

	mu     sync.Mutex
	status int
	body   string
	block  bool
	reqs   []*http.Request
}

// NewFakeAPI starts a FakeAPI answering 200 with body; it is closed on
// cleanup. With route ("GET /containers/json") every other request is a
// 404 with a JSON error body, as a real API answers a wrong path.
func NewFakeAPI(t testing.TB, route, body string) *FakeAPI {
	t.Helper()
	f := &FakeAPI{route: route, status: http.StatusOK, body: body}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *FakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.reqs = append(f.reqs, r.Clone(context.Background()))
	status, body, block := f.status, f.body, f.block
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case f.route != "" && r.Method+" "+r.URL.Path != f.route:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"page not found"}`)
		return
	case block:
		<-r.Context().Done()
		return
	}
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

// Set changes the answer to every later request; block holds them instead.
func (f *FakeAPI) Set(status int, body string, block bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.body, f.block = status, body, block
}

// Requests returns the requests so far, oldest first.
func (f *FakeAPI) Requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.reqs...)
}

// Paths returns the requests so far as "METHOD /path".
func (f *FakeAPI) Paths() []string {
	var out []string
	for _, r := range f.Requests() {
		out = append(out, r.Method+" "+r.URL.Path)
	}
	return out
}
