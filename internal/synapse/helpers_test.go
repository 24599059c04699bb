package synapse

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// be builds a backend named and hosted name, as the original's specs do.
func be(name string, port int) registration.Backend {
	return registration.Backend{Name: registration.StringValue(name), Host: name, Port: registration.NumberPort(port)}
}

func withLabels(b registration.Backend, kv ...string) registration.Backend {
	ms := make([]registration.Member, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		ms = append(ms, registration.Member{Key: kv[i], Value: registration.StringValue(kv[i+1])})
	}
	b.Labels = registration.ObjectValue(ms...)
	return b
}

func withID(b registration.Backend, id int64) registration.Backend {
	b.ID = &id
	return b
}

func defaultServers(bs ...registration.Backend) []DefaultServer {
	out := make([]DefaultServer, len(bs))
	for i, b := range bs {
		out[i] = DefaultServer{Backend: b}
	}
	return out
}

// sameList compares backend lists in order.
func sameList(a, b []registration.Backend) bool {
	return slices.EqualFunc(a, b, registration.Backend.Equal)
}

func names(bs []registration.Backend) string {
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = b.Name.String() + "@" + b.Host + ":" + b.Port.Value().String()
	}
	return strings.Join(s, " ")
}

// haproxySection is a stand-in for the HAProxy generator's per-service
// config: listen and frontend default to empty lists, and port must be a
// number.
type haproxySection struct {
	Port          int      `yaml:"port"`
	ServerOptions string   `yaml:"server_options"`
	Frontend      []string `yaml:"frontend"`
	Listen        []string `yaml:"listen"`
}

type fileOutputSection struct {
	Disabled bool `yaml:"disabled"`
}

func normalize(_, generator string, raw *yaml.Node) (any, error) {
	switch generator {
	case "haproxy":
		c := haproxySection{Frontend: []string{}, Listen: []string{}}
		if raw != nil {
			if err := raw.Decode(&c); err != nil {
				return nil, err
			}
		}
		return c, nil
	case "file_output":
		var c fileOutputSection
		if raw != nil {
			if err := raw.Decode(&c); err != nil {
				return nil, err
			}
		}
		return c, nil
	}
	return nil, errors.New("no such generator")
}

// sections parses a JSON or YAML generator config map as the zookeeper
// watcher would.
func sections(t *testing.T, src string) map[string]*yaml.Node {
	t.Helper()
	n, err := config.Parse("zk", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m, err := watcher.GeneratorSections(n)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// logRecorder is a slog handler that keeps the messages it gets.
type logRecorder struct {
	mu   sync.Mutex
	msgs []string
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *logRecorder) WithGroup(string) slog.Handler            { return r }
func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, rec.Level.String()+" "+rec.Message)
	return nil
}

func (r *logRecorder) count(substr string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, m := range r.msgs {
		if strings.Contains(m, substr) {
			n++
		}
	}
	return n
}

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// newState builds a state enabled for haproxy and file_output.
func newState(t *testing.T, cfg ServiceConfig) *ServiceState {
	t.Helper()
	s, err := NewServiceState("foo", cfg, StateOptions{
		Generators: map[string]*yaml.Node{"haproxy": nil, "file_output": nil},
		Normalize:  normalize,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var _ slog.Handler = (*logRecorder)(nil)
