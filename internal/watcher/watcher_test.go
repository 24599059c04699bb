package watcher

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// staticWatcher sends one snapshot and waits for cancellation: the smallest
// watcher that follows the Run contract.
type staticWatcher struct {
	service  string
	backends []registration.Backend
	gotOpts  Options
}

func (w *staticWatcher) Run(ctx context.Context, out chan<- Snapshot) error {
	if err := Send(ctx, out, Snapshot{Service: w.service, Backends: w.backends}); err != nil {
		return nil
	}
	<-ctx.Done()
	return nil
}

func (w *staticWatcher) Ping(context.Context) error { return nil }

var (
	_ Watcher = (*staticWatcher)(nil)
	_ Pinger  = (*staticWatcher)(nil)
)

type staticConfig struct{ Host string }

func registerStatic(t *testing.T, method string) {
	t.Helper()
	Register(method, Type{
		NewConfig: func() any { return &staticConfig{Host: "default"} },
		New: func(service string, cfg any, opts Options) (Watcher, error) {
			c := cfg.(*staticConfig)
			if c.Host == "" {
				return nil, errors.New("host is required")
			}
			b := registration.Backend{Host: c.Host, Port: registration.NumberPort(80)}
			return &staticWatcher{service: service, backends: []registration.Backend{b}, gotOpts: opts}, nil
		},
	})
}

func TestRegistry(t *testing.T) {
	registerStatic(t, "test_zz")
	registerStatic(t, "test_aa")

	t.Run("methods sorted", func(t *testing.T) {
		m := Methods()
		if !slices.IsSorted(m) || !slices.Contains(m, "test_aa") || !slices.Contains(m, "test_zz") {
			t.Fatalf("Methods() = %v", m)
		}
	})
	t.Run("lookup", func(t *testing.T) {
		if _, ok := Lookup("test_aa"); !ok {
			t.Fatal("test_aa not found")
		}
		if _, ok := Lookup("TEST_AA"); ok {
			t.Fatal("lookup must be exact")
		}
	})
	t.Run("duplicate panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Fatal("no panic")
			}
		}()
		registerStatic(t, "test_aa")
	})
	t.Run("incomplete panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Fatal("no panic")
			}
		}()
		Register("test_incomplete", Type{})
	})
	t.Run("new builds with defaulted logger", func(t *testing.T) {
		typ, _ := Lookup("test_aa")
		w, err := New("test_aa", "web", typ.NewConfig(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if w.(*staticWatcher).gotOpts.Logger == nil {
			t.Fatal("nil logger passed to the method")
		}
	})
	t.Run("new wraps method errors", func(t *testing.T) {
		_, err := New("test_aa", "web", &staticConfig{}, Options{})
		if err == nil || !strings.Contains(err.Error(), "service web: discovery method test_aa: host is required") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unknown method lists known ones", func(t *testing.T) {
		_, err := New("bogus", "web", nil, Options{})
		if err == nil || !strings.Contains(err.Error(), `unknown discovery method "bogus"`) ||
			!strings.Contains(err.Error(), "test_aa, test_zz") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestRunContract(t *testing.T) {
	w := &staticWatcher{service: "web", backends: []registration.Backend{{Host: "h", Port: registration.NumberPort(1)}}}
	ctx, cancel := context.WithCancel(t.Context())
	out := make(chan Snapshot)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, out) }()

	s := <-out
	if s.Service != "web" || len(s.Backends) != 1 {
		t.Fatalf("snapshot = %+v", s)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return on cancel")
	}
}

func TestSendReturnsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := Send(ctx, make(chan Snapshot), Snapshot{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Send = %v, want context.Canceled", err)
	}
}

func TestGeneratorSections(t *testing.T) {
	parse := func(t *testing.T, s string) *yaml.Node {
		t.Helper()
		n, err := config.Parse("zk", []byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	t.Run("json map", func(t *testing.T) {
		got, err := GeneratorSections(parse(t, `{"haproxy":{"port":1},"file_output":{}}`))
		if err != nil || len(got) != 2 || got["haproxy"] == nil || got["haproxy"].Kind != yaml.MappingNode {
			t.Fatalf("got %v, %v", got, err)
		}
	})
	for _, empty := range []string{"", "null", "{}"} {
		t.Run("empty "+empty, func(t *testing.T) {
			got, err := GeneratorSections(parse(t, empty))
			if err != nil || len(got) != 0 {
				t.Fatalf("got %v, %v", got, err)
			}
		})
	}
	t.Run("nil", func(t *testing.T) {
		if got, err := GeneratorSections(nil); err != nil || got != nil {
			t.Fatalf("got %v, %v", got, err)
		}
	})
	t.Run("not a map", func(t *testing.T) {
		if _, err := GeneratorSections(parse(t, `[1,2]`)); err == nil {
			t.Fatal("no error")
		}
	})
}
