package multi

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

const (
	fakeMethod = "multitest_fake"
	waitLong   = 10 * time.Second
)

// fakeChild is a child watcher a test drives: each snapshot on snaps is
// sent, each error on stop ends Run with it.
type fakeChild struct {
	snaps chan watcher.Snapshot
	stop  chan error
	runs  atomic.Int32
}

var fakes sync.Map // id -> *fakeChild

type fakeConfig struct {
	ID string `yaml:"id"`
}

func init() {
	watcher.Register(fakeMethod, watcher.Type{
		NewConfig: func() any { return &fakeConfig{} },
		New: func(_ string, cfg any, _ watcher.Options) (watcher.Watcher, error) {
			id := cfg.(*fakeConfig).ID
			if id == "" {
				return nil, errors.New("id is required")
			}
			f, _ := fakes.LoadOrStore(id, &fakeChild{snaps: make(chan watcher.Snapshot), stop: make(chan error)})
			return f.(*fakeChild), nil
		},
	})
}

var _ watcher.Watcher = (*fakeChild)(nil)

func (f *fakeChild) Run(ctx context.Context, out chan<- watcher.Snapshot) error {
	f.runs.Add(1)
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-f.stop:
			return err
		case s := <-f.snaps:
			if watcher.Send(ctx, out, s) != nil {
				return nil
			}
		}
	}
}

// fake returns the child with id, made fresh for the test.
func fake(t *testing.T, id string) *fakeChild {
	t.Helper()
	f := &fakeChild{snaps: make(chan watcher.Snapshot), stop: make(chan error)}
	fakes.Store(id, f)
	t.Cleanup(func() { fakes.Delete(id) })
	return f
}

func (f *fakeChild) send(t *testing.T, s watcher.Snapshot) {
	t.Helper()
	select {
	case f.snaps <- s:
	case <-time.After(waitLong):
		t.Fatal("child snapshot not taken")
	}
}

func backends(hosts ...string) []registration.Backend {
	out := make([]registration.Backend, len(hosts))
	for i, h := range hosts {
		out[i] = registration.Backend{Host: h, Port: registration.NumberPort(80)}
	}
	return out
}

func hostsOf(bs []registration.Backend) []string {
	out := []string{}
	for _, b := range bs {
		out = append(out, b.Host)
	}
	return out
}

// decode decodes a discovery section the way the synapse loader does and
// validates it; it returns the config and every error.
func decode(t *testing.T, src string) (any, error) {
	t.Helper()
	n, err := config.Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	d := config.NewDecoder("t.yaml")
	cfg, ok := config.DecodeTyped(d, n, "discovery", "method", watcher.NewConfigs())
	if ok {
		if v, isV := cfg.(interface{ Validate() error }); isV {
			if err := v.Validate(); err != nil {
				d.Errorf(n, "discovery", "%v", err)
			}
		}
	}
	return cfg, d.Err()
}

// start builds a multi watcher from src and runs it until the test ends.
func start(t *testing.T, src string) (*Watcher, <-chan watcher.Snapshot) {
	t.Helper()
	return startAs(t, "web", src, nil)
}

// startAs is start for service, with tweak (if not nil) applied to the
// watcher before it runs.
func startAs(t *testing.T, service, src string, tweak func(*Watcher)) (*Watcher, <-chan watcher.Snapshot) {
	t.Helper()
	cfg, err := decode(t, src)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	w, err := watcher.New(Method, service, cfg, watcher.Options{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	mw := w.(*Watcher)
	mw.backoff = 10 * time.Millisecond
	if tweak != nil {
		tweak(mw)
	}
	ctx, cancel := context.WithCancel(t.Context())
	out := make(chan watcher.Snapshot)
	done := make(chan error, 1)
	go func() { done <- mw.Run(ctx, out) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(waitLong):
			t.Error("Run did not return on cancel")
		}
	})
	return mw, out
}

func next(t *testing.T, out <-chan watcher.Snapshot) watcher.Snapshot {
	t.Helper()
	select {
	case s := <-out:
		return s
	case <-time.After(waitLong):
		t.Fatal("no snapshot")
		return watcher.Snapshot{}
	}
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
