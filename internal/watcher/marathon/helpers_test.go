package marathon

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

const waitLong = 10 * time.Second

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
	w   *Watcher
	out chan watcher.Snapshot
}

func start(t *testing.T, cfg *Config) *running {
	t.Helper()
	w, err := watcher.New(Method, "svc", cfg, watcher.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &running{w: w.(*Watcher), out: make(chan watcher.Snapshot)}
	r.w.splay = func(time.Duration) time.Duration { return 0 }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.w.Run(ctx, r.out) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v, want nil after cancel", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Run did not return within 5s of cancel")
		}
	})
	return r
}

// await reads snapshots until cond accepts one.
func (r *running) await(t *testing.T, what string, cond func(watcher.Snapshot) error) watcher.Snapshot {
	t.Helper()
	deadline := time.After(waitLong)
	err := fmt.Errorf("no snapshot yet")
	for {
		select {
		case s := <-r.out:
			if err = cond(s); err == nil {
				return s
			}
		case <-deadline:
			t.Fatalf("%s: not seen within %s: %v", what, waitLong, err)
		}
	}
}

// backends requires exactly these backends, as their JSON, in order.
func backends(want ...string) func(watcher.Snapshot) error {
	return func(s watcher.Snapshot) error {
		if s.Err != nil {
			return fmt.Errorf("snapshot error: %w", s.Err)
		}
		if s.Service != "svc" {
			return fmt.Errorf("service %q", s.Service)
		}
		if got, w := render(s.Backends), strings.Join(want, "\n"); got != w {
			return fmt.Errorf("backends\n%s\nwant\n%s", got, w)
		}
		return nil
	}
}

// stale requires an error snapshot whose error mentions substr.
func stale(substr string) func(watcher.Snapshot) error {
	return func(s watcher.Snapshot) error {
		if s.Err == nil {
			return fmt.Errorf("snapshot without error: %s", render(s.Backends))
		}
		if !strings.Contains(s.Err.Error(), substr) {
			return fmt.Errorf("error %q does not mention %q", s.Err, substr)
		}
		if s.Backends != nil {
			return fmt.Errorf("error snapshot carries backends %s", render(s.Backends))
		}
		return nil
	}
}

func render(bs []registration.Backend) string {
	lines := make([]string, 0, len(bs))
	for _, b := range bs {
		j, err := b.MarshalJSON()
		if err != nil {
			return err.Error()
		}
		lines = append(lines, string(j))
	}
	return strings.Join(lines, "\n")
}

// backendJSON is a backend as the marathon watcher builds it.
func backendJSON(host string, port int) string {
	return fmt.Sprintf(`{"name":%q,"host":%q,"port":%d,"id":null,"weight":null,"haproxy_server_options":null,"labels":null}`, host, host, port)
}
