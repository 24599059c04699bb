package docker

import (
	"fmt"
	"net"
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

// fakeDocker speaks the Engine API's GET /containers/json; anything else
// is a 404 with the Engine's error body.
type fakeDocker struct {
	*httptest.Server
	mu     sync.Mutex
	status int
	body   string
	block  bool
	paths  []string
}

func newFakeDocker(t *testing.T, body string) *fakeDocker {
	t.Helper()
	f := &fakeDocker{status: http.StatusOK, body: body}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeDocker) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.paths = append(f.paths, r.Method+" "+r.URL.Path)
	status, body, block := f.status, f.body, f.block
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method != http.MethodGet || r.URL.Path != "/containers/json":
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

func (f *fakeDocker) set(status int, body string, block bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.body, f.block = status, body, block
}

func (f *fakeDocker) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.paths...)
}

// server is f as a configured docker server.
func (f *fakeDocker) server(t *testing.T, name string) Server {
	t.Helper()
	host, port, err := net.SplitHostPort(f.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return Server{Name: name, Host: host, Port: Port(port)}
}

func testdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func testConfig(servers ...Server) *Config {
	c := NewConfig()
	c.Servers, c.ImageName, c.ContainerPort = servers, "mycool/image", "6379"
	c.CheckInterval = config.Duration(10 * time.Millisecond)
	c.RequestTimeout = config.Duration(2 * time.Second)
	return c
}

type running struct {
	*watchertest.Running
	w *Watcher
}

// start builds the watcher through the registry, as the daemon does, and
// runs it until the test ends.
func start(t *testing.T, cfg *Config) *running {
	t.Helper()
	w, err := watcher.New(Method, "svc", cfg, watcher.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &running{w: w.(*Watcher)}
	r.Running = watchertest.Run(t, r.w)
	return r
}

// backendJSON is a backend as the docker watcher builds it: the port a
// string.
func backendJSON(name, host, port string) string {
	return fmt.Sprintf(`{"name":%q,"host":%q,"port":%q,"id":null,"weight":null,"haproxy_server_options":null,"labels":null}`, name, host, port)
}

func backends(want ...string) watchertest.Cond { return watchertest.Backends("svc", want...) }

var (
	stale  = watchertest.Stale
	render = watchertest.Render
)
