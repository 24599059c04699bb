package marathon

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
)

// fakeMarathon speaks the Marathon v2 tasks endpoint: it answers every GET
// with the current status and body and records what it was asked.
type fakeMarathon struct {
	*httptest.Server
	mu     sync.Mutex
	status int
	body   string
	block  bool // hold each request until the client gives up
	reqs   []*http.Request
}

func newFakeMarathon(t *testing.T, body string) *fakeMarathon {
	t.Helper()
	f := &fakeMarathon{status: http.StatusOK, body: body}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeMarathon) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.reqs = append(f.reqs, r.Clone(context.Background()))
	status, body, block := f.status, f.body, f.block
	f.mu.Unlock()
	if block {
		<-r.Context().Done()
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

func (f *fakeMarathon) set(status int, body string, block bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.body, f.block = status, body, block
}

func (f *fakeMarathon) requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.reqs...)
}

func testdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func testConfig(url string) *Config {
	c := NewConfig()
	c.MarathonAPIURL, c.ApplicationName = url, "foo"
	c.CheckInterval = config.Duration(10 * time.Millisecond)
	c.RequestTimeout = config.Duration(2 * time.Second)
	return c
}

// running is a watcher under test, built through the registry as the
// daemon builds it.
type running struct {
	*watchertest.Running
	w *Watcher
}

func start(t *testing.T, cfg *Config) *running {
	t.Helper()
	w, err := watcher.New(Method, "svc", cfg, watcher.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &running{w: w.(*Watcher)}
	r.w.splay = func(time.Duration) time.Duration { return 0 }
	r.Running = watchertest.Run(t, r.w)
	return r
}

// backendJSON is a backend as the marathon watcher builds it.
func backendJSON(host string, port int) string {
	return fmt.Sprintf(`{"name":%q,"host":%q,"port":%d,"id":null,"weight":null,"haproxy_server_options":null,"labels":null}`, host, host, port)
}

func backends(want ...string) watchertest.Cond { return watchertest.Backends("svc", want...) }

var stale = watchertest.Stale
