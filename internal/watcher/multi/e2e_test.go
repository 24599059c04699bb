package multi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator"
	sconfig "github.com/smartstack-go/smartstack/internal/synapse/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	_ "github.com/smartstack-go/smartstack/internal/watcher/marathon"
)

const fakeGen = "multitest_gen"

func init() {
	generator.Register(fakeGen, generator.Type{New: func(*config.Decoder, *yaml.Node, string, generator.Options) (generator.Generator, error) {
		return nopGen{}, nil
	}})
}

type nopGen struct{}

func (nopGen) Name() string                                      { return fakeGen }
func (nopGen) Normalize(string, *yaml.Node) (any, error)         { return nil, nil }
func (nopGen) Update(context.Context, []generator.Service) error { return nil }
func (nopGen) Tick(context.Context) error                        { return nil }

// marathonApp serves one app's tasks; down makes it answer 503.
type marathonApp struct {
	*httptest.Server
	host string
	down atomic.Bool
}

func newMarathon(t *testing.T, host string) *marathonApp {
	t.Helper()
	m := &marathonApp{host: host}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if m.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintf(w, `{"tasks":[{"host":%q,"ports":[31000],"startedAt":"2024-01-01T00:00:00Z"}]}`, m.host)
	}))
	t.Cleanup(m.Close)
	return m
}

// loadMulti loads a synapse config whose service uses discovery_multi and
// builds its watcher, as the daemon does.
func loadMulti(t *testing.T, primary, secondary *marathonApp, resolver string) watcher.Watcher {
	t.Helper()
	src := fmt.Sprintf(`%s: {}
services:
  web:
    discovery: {method: marathon, marathon_api_url: %q, application_name: web, check_interval: 0.02}
    discovery_multi:
      watchers:
        secondary: {method: marathon, marathon_api_url: %q, application_name: web, check_interval: 0.02}
      resolver: %s
`, fakeGen, primary.URL, secondary.URL, resolver)
	path := filepath.Join(t.TempDir(), "synapse.yaml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, warnings, err := sconfig.Load(path, func(string) (string, bool) { return "", false })
	if err != nil || len(warnings) > 0 {
		t.Fatalf("Load: %v %v", err, warnings)
	}
	spec := cfg.Services["web"]
	if spec.Method != Method {
		t.Fatalf("method = %q", spec.Method)
	}
	w, err := watcher.New(spec.Method, spec.Name, spec.Discovery, watcher.Options{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return w
}

// waitFor reads snapshots until one has exactly hosts.
func waitFor(t *testing.T, out <-chan watcher.Snapshot, hosts ...string) {
	t.Helper()
	for {
		s := next(t, out)
		if s.Err == nil && slices.Equal(hostsOf(s.Backends), hosts) {
			return
		}
	}
}

func runWatcher(t *testing.T, w watcher.Watcher) <-chan watcher.Snapshot {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	out := make(chan watcher.Snapshot)
	done := make(chan struct{})
	go func() { defer close(done); _ = w.Run(ctx, out) }()
	t.Cleanup(func() { cancel(); <-done })
	return out
}

func TestDiscoveryMultiMarathon(t *testing.T) {
	t.Run("union", func(t *testing.T) {
		p, s := newMarathon(t, "p1"), newMarathon(t, "s1")
		out := runWatcher(t, loadMulti(t, p, s, "{method: union}"))
		// discovery_multi appends primary after the listed watchers.
		waitFor(t, out, "s1", "p1")
		p.down.Store(true)
		waitFor(t, out, "s1", "p1") // primary stale: kept
		p.host = "p2"
		p.down.Store(false)
		waitFor(t, out, "s1", "p2")
	})
	t.Run("sequential", func(t *testing.T) {
		p, s := newMarathon(t, "p1"), newMarathon(t, "s1")
		out := runWatcher(t, loadMulti(t, p, s, "{method: sequential, sequential_order: [primary, secondary]}"))
		waitFor(t, out, "p1")
		p.down.Store(true)
		waitFor(t, out, "s1")
		p.down.Store(false)
		waitFor(t, out, "p1")
	})
}
