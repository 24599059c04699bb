package e2e

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
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/awsconf/awstest"
	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator"
	sconfig "github.com/smartstack-go/smartstack/internal/synapse/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	_ "github.com/smartstack-go/smartstack/internal/watcher/marathon"
	"github.com/smartstack-go/smartstack/internal/watcher/multi"
	"github.com/smartstack-go/smartstack/pkg/registration"
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
// builds its watcher, as the daemon does. primaryKeys are added to the
// service's discovery section.
func loadMulti(t *testing.T, primary, secondary *marathonApp, resolver, primaryKeys string) watcher.Watcher {
	t.Helper()
	src := fmt.Sprintf(`%s: {}
services:
  web:
    discovery: {method: marathon, marathon_api_url: %q, application_name: web, check_interval: 0.02%s}
    discovery_multi:
      watchers:
        secondary: {method: marathon, marathon_api_url: %q, application_name: web, check_interval: 0.02}
      resolver: %s
`, fakeGen, primary.URL, primaryKeys, secondary.URL, resolver)
	path := filepath.Join(t.TempDir(), "synapse.yaml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, warnings, err := sconfig.Load(path, func(string) (string, bool) { return "", false })
	if err != nil || len(warnings) > 0 {
		t.Fatalf("Load: %v %v", err, warnings)
	}
	spec := cfg.Services["web"]
	if spec.Method != multi.Method || len(spec.Config.LabelFilters) != 0 {
		t.Fatalf("method = %q, service label filters %v", spec.Method, spec.Config.LabelFilters)
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
		s := nextSnapshot(t, out)
		if s.Err == nil && slices.Equal(hostsOf(s.Backends), hosts) {
			return
		}
	}
}

// nextSnapshot is the watcher's next snapshot, within 10 s.
func nextSnapshot(t *testing.T, out <-chan watcher.Snapshot) watcher.Snapshot {
	t.Helper()
	select {
	case s := <-out:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no snapshot")
		return watcher.Snapshot{}
	}
}

func hostsOf(bs []registration.Backend) []string {
	out := []string{}
	for _, b := range bs {
		out = append(out, b.Host)
	}
	return out
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
		out := runWatcher(t, loadMulti(t, p, s, "{method: union}", ""))
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
		out := runWatcher(t, loadMulti(t, p, s, "{method: sequential, sequential_order: [primary, secondary]}", ""))
		waitFor(t, out, "p1")
		p.down.Store(true)
		waitFor(t, out, "s1")
		p.down.Store(false)
		waitFor(t, out, "p1")
	})
}

// The primary's label filters, written in the service's discovery section,
// apply to the primary child only (marathon backends have no labels, so an
// equals filter drops them all), and s3_toggle follows its object through
// the real SDK: all from a config file loaded as the daemon loads it.
func TestDiscoveryMultiS3ToggleAndFilters(t *testing.T) {
	f := newFakeS3(t)
	f.put("/e2e-bucket/toggle.yaml", "primary: 1\n")
	awstest.Isolate(t, f.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
	p, s := newMarathon(t, "p1"), newMarathon(t, "s1")
	w := loadMulti(t, p, s, "{method: s3_toggle, s3_url: 's3://e2e-bucket/toggle.yaml', s3_polling_interval_seconds: 0.05, aws_region: eu-west-1}",
		", label_filters: [{label: az, value: a, condition: not-equals}]")
	out := runWatcher(t, w)
	waitFor(t, out, "p1") // not-equals keeps the unlabelled tasks
	// The fake serves the object at this path only: following it proves
	// the watcher fetched s3://e2e-bucket/toggle.yaml path-style.
	f.put("/e2e-bucket/toggle.yaml", "secondary: 1\n")
	waitFor(t, out, "s1")

	p2, s2 := newMarathon(t, "p2"), newMarathon(t, "s2")
	f.put("/e2e-bucket/toggle.yaml", "primary: 1\n")
	out = runWatcher(t, loadMulti(t, p2, s2, "{method: union}", ", label_filters: [{label: az, value: a, condition: equals}]"))
	waitFor(t, out, "s2")
	for range 3 { // primary reports on its own schedule; its tasks never pass
		if got := hostsOf(nextSnapshot(t, out).Backends); !slices.Equal(got, []string{"s2"}) {
			t.Fatalf("union = %v, want only the secondary's s2", got)
		}
	}
}
