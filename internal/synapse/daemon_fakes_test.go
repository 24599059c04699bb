package synapse

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// fakeWatcher runs until cancelled or told to fail; the test sends its
// snapshots through the hub.
type fakeWatcher struct {
	service string
	running chan struct{} // closed when Run starts
	stopped chan struct{} // closed when Run returns
	fail    chan error

	mu  sync.Mutex
	out chan<- watcher.Snapshot
}

func (w *fakeWatcher) Run(ctx context.Context, out chan<- watcher.Snapshot) error {
	defer close(w.stopped)
	w.mu.Lock()
	w.out = out
	w.mu.Unlock()
	close(w.running)
	select {
	case <-ctx.Done():
		return nil
	case err := <-w.fail:
		return err
	}
}

// hub builds fake watchers and remembers every one, per service.
type hub struct {
	mu       sync.Mutex
	built    map[string][]*fakeWatcher
	buildErr map[string]error
}

func newHub() *hub { return &hub{built: map[string][]*fakeWatcher{}, buildErr: map[string]error{}} }

func (h *hub) New(method, service string, _ any, _ watcher.Options) (watcher.Watcher, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.buildErr[service]; err != nil {
		return nil, err
	}
	w := &fakeWatcher{service: service, running: make(chan struct{}), stopped: make(chan struct{}), fail: make(chan error, 1)}
	h.built[service] = append(h.built[service], w)
	return w, nil
}

func (h *hub) builds(service string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.built[service])
}

func (h *hub) latest(t *testing.T, service string) *fakeWatcher {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		h.mu.Lock()
		ws := h.built[service]
		h.mu.Unlock()
		if len(ws) > 0 {
			w := ws[len(ws)-1]
			select {
			case <-w.running:
				return w
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no running watcher for %s", service)
	return nil
}

// send delivers a snapshot of backends named after ports from the
// service's latest watcher.
func (h *hub) send(t *testing.T, service string, ports ...int) {
	t.Helper()
	w := h.latest(t, service)
	w.mu.Lock()
	out := w.out
	w.mu.Unlock()
	s := watcher.Snapshot{Service: service, Backends: backendsOf(ports...)}
	select {
	case out <- s:
	case <-time.After(5 * time.Second):
		t.Fatalf("snapshot for %s not taken", service)
	}
}

func backendsOf(ports ...int) []registration.Backend {
	out := []registration.Backend{}
	for _, p := range ports {
		out = append(out, be(fmt.Sprintf("b%d", p), p))
	}
	return out
}

// fakeGen records every Update.
type fakeGen struct {
	name string
	mu   sync.Mutex
	ups  [][]generator.Service
	tick int
	fail error
	norm []string // the service of every Normalize
	// prepared counts Prepare calls; upsAtPrepare is how many updates
	// came before the first.
	prepared, upsAtPrepare int
}

func (g *fakeGen) Prepare(context.Context) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.prepared == 0 {
		g.upsAtPrepare = len(g.ups)
	}
	g.prepared++
}

func (g *fakeGen) Name() string { return g.name }

func (g *fakeGen) Normalize(service string, n *yaml.Node) (any, error) {
	g.mu.Lock()
	g.norm = append(g.norm, service)
	g.mu.Unlock()
	if n == nil {
		return "", nil
	}
	if n.Value == "bad" {
		return nil, errors.New("bad section")
	}
	return n.Value, nil
}

func (g *fakeGen) Update(_ context.Context, s []generator.Service) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ups = append(g.ups, s)
	return g.fail
}

func (g *fakeGen) Tick(context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.tick++
	return nil
}

func (g *fakeGen) updates() [][]generator.Service {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([][]generator.Service(nil), g.ups...)
}

func (g *fakeGen) last() []generator.Service {
	u := g.updates()
	if len(u) == 0 {
		return nil
	}
	return u[len(u)-1]
}

// spec is a service of the fake method with one generator section.
func spec(name, watchKey, section string) ServiceSpec {
	var sec *yaml.Node
	if section != "" {
		sec = &yaml.Node{Kind: yaml.ScalarNode, Value: section}
	}
	return ServiceSpec{Name: name, Method: "fake", Config: NewServiceConfig(),
		Sections: map[string]*yaml.Node{"gen": sec}, WatchKey: watchKey, Fingerprint: watchKey + "/" + section}
}

// genSpec builds the fake generator; builds counts how often.
func genSpec(fp string, builds *[]*fakeGen, mu *sync.Mutex) GeneratorSpec {
	return GeneratorSpec{Name: "gen", Fingerprint: fp, New: func(generator.Options) (generator.Generator, error) {
		g := &fakeGen{name: "gen"}
		mu.Lock()
		defer mu.Unlock()
		*builds = append(*builds, g)
		return g, nil
	}}
}

func desired(g GeneratorSpec, specs ...ServiceSpec) *Desired {
	d := &Desired{Services: map[string]ServiceSpec{}, Generators: map[string]GeneratorSpec{"gen": g}}
	for _, s := range specs {
		d.Services[s.Name] = s
	}
	return d
}

// eventually polls cond for up to 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func serviceNames(ss []generator.Service) string {
	out := ""
	for _, s := range ss {
		hosts := make([]string, len(s.Backends))
		for i, b := range s.Backends {
			hosts[i] = b.Host + ":" + b.Port.String()
		}
		out += s.Name + "=" + strings.Join(hosts, ",") + ";"
	}
	return out
}
