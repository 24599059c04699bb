package synapse

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/watcher"
)

// previewGen is a fake generator that can preview.
type previewGen struct{ fakeGen }

func (g *previewGen) Preview(_ context.Context, s []generator.Service) (string, []byte, error) {
	return "/etc/haproxy.cfg", []byte("services " + serviceNames(s) + "\n"), nil
}

// onceRun runs Once in the background; the test drives the hub.
func onceRun(cfg *Desired, hub *hub, opts OnceOptions) chan error {
	opts.NewWatcher = hub.New
	done := make(chan error, 1)
	go func() { done <- Once(context.Background(), cfg, opts) }()
	return done
}

func wait(t *testing.T, done chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Once did not return")
		return nil
	}
}

func TestOnceUpdatesAfterEveryDiscovery(t *testing.T) {
	var builds []*fakeGen
	var mu sync.Mutex
	hub := newHub()
	done := onceRun(desired(genSpec("g", &builds, &mu), spec("web", "w", "a"), spec("db", "d", "")), hub, OnceOptions{Timeout: 5 * time.Second})
	hub.send(t, "web", 1, 2)
	// An error snapshot does not count as discovery.
	w := hub.latest(t, "db")
	w.out <- watcher.Snapshot{Service: "db", Err: errors.New("zk down")}
	hub.send(t, "db", 3)
	if err := wait(t, done); err != nil {
		t.Fatal(err)
	}
	ups := builds[0].updates()
	if len(ups) != 1 || serviceNames(ups[0]) != "db=b3:3;web=b1:1,b2:2;" || ups[0][1].Config != "a" {
		t.Fatalf("updates = %+v", ups)
	}
	for _, svc := range []string{"web", "db"} {
		select {
		case <-hub.latest(t, svc).stopped:
		default:
			t.Errorf("watcher of %s still running after Once", svc)
		}
	}
}

func TestOnceDiscoveryFailures(t *testing.T) {
	var builds []*fakeGen
	var mu sync.Mutex
	cfg := desired(genSpec("g", &builds, &mu), spec("web", "w", ""), spec("db", "d", ""))

	hub := newHub()
	done := onceRun(cfg, hub, OnceOptions{Timeout: 300 * time.Millisecond})
	hub.send(t, "web", 1)
	w := hub.latest(t, "db")
	w.out <- watcher.Snapshot{Service: "db", Err: errors.New("connection refused")}
	err := wait(t, done)
	if err == nil || !strings.Contains(err.Error(), "service db: no discovery within 300ms; last problem:") ||
		!strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "service web") {
		t.Fatalf("timeout: %v", err)
	}

	hub = newHub()
	done = onceRun(cfg, hub, OnceOptions{Timeout: 5 * time.Second})
	hub.latest(t, "web").fail <- errors.New("bad path")
	if err := wait(t, done); err == nil || err.Error() != "service web: discovery failed: bad path" {
		t.Fatalf("watcher exit: %v", err)
	}
	for _, b := range builds {
		if len(b.updates()) != 0 {
			t.Fatalf("a generator was updated after a failed discovery: %+v", b.updates())
		}
	}
}

// A config that builds no generator or watcher is a *ConfigError.
func TestOnceConfigError(t *testing.T) {
	var builds []*fakeGen
	var mu sync.Mutex
	hub := newHub()
	hub.buildErr["web"] = errors.New("no hosts")
	err := Once(context.Background(), desired(genSpec("g", &builds, &mu), spec("web", "w", "")), OnceOptions{NewWatcher: hub.New})
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "no hosts") {
		t.Fatalf("err = %v, want a ConfigError", err)
	}
}

// A dry run previews and updates nothing.
func TestOnceDryRun(t *testing.T) {
	var plain []*fakeGen
	var mu sync.Mutex
	var pg *previewGen
	var opts []generator.Options
	web := spec("web", "w", "")
	web.Sections["haproxy"] = nil
	cfg := desired(genSpec("g", &plain, &mu), web)
	cfg.Generators["haproxy"] = GeneratorSpec{Name: "haproxy", New: func(o generator.Options) (generator.Generator, error) {
		opts = append(opts, o)
		pg = &previewGen{fakeGen{name: "haproxy"}}
		return pg, nil
	}}
	var out bytes.Buffer
	hub := newHub()
	done := onceRun(cfg, hub, OnceOptions{DryRun: true, Out: &out, Timeout: 5 * time.Second})
	hub.send(t, "web", 1)
	if err := wait(t, done); err != nil {
		t.Fatal(err)
	}
	if out.String() != "services web=b1:1;\n" || len(pg.updates()) != 0 || len(plain[0].updates()) != 0 {
		t.Fatalf("out %q, updates %d %d", out.String(), len(pg.updates()), len(plain[0].updates()))
	}
	if len(opts) != 1 || !opts[0].Once || !opts[0].DryRun {
		t.Fatalf("generator options %+v, want Once and DryRun", opts)
	}
}

// A stop (SIGTERM) while waiting is not reported as a timeout.
func TestOnceStopped(t *testing.T) {
	var builds []*fakeGen
	var mu sync.Mutex
	hub := newHub()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Once(ctx, desired(genSpec("g", &builds, &mu), spec("web", "w", "")), OnceOptions{NewWatcher: hub.New, Timeout: time.Minute})
	}()
	hub.latest(t, "web")
	cancel()
	if err := wait(t, done); err == nil || !strings.Contains(err.Error(), "stopped before every service was discovered") {
		t.Fatalf("err = %v", err)
	}
}
