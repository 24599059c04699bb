// Package watchertest runs a discovery watcher in a test and checks the
// snapshots it sends: the harness every watcher package's tests share.
package watchertest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// WaitLong bounds Await: generous, because the tests share 2 cores with
// real servers.
const WaitLong = 10 * time.Second

// Service is the service New builds every watcher for, so the snapshots
// carry it.
const Service = "svc"

// New builds a watcher through the registry, as the daemon does, and
// returns it as W (the package's concrete type, so a test can set its
// hooks before Run).
func New[W watcher.Watcher](t testing.TB, method string, cfg any, opts watcher.Options) W {
	t.Helper()
	w, err := watcher.New(method, Service, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	typed, ok := w.(W)
	if !ok {
		t.Fatalf("watcher.New(%q) gives %T, want %T", method, w, typed)
	}
	return typed
}

// Started is a watcher running under test, as its concrete type W for the
// test to call its methods (Ping).
type Started[W watcher.Watcher] struct {
	*Running
	W W
}

// Start is New and Run in one, with setup (if not nil) in between, where a
// test sets the watcher's hooks (jitter, splay, backoffs): Run reads them.
func Start[W watcher.Watcher](t testing.TB, method string, cfg any, opts watcher.Options, setup func(W)) *Started[W] {
	t.Helper()
	w := New[W](t, method, cfg, opts)
	if setup != nil {
		setup(w)
	}
	return &Started[W]{Running: Run(t, w), W: w}
}

// Running is a watcher whose Run goes on until Stop or the end of the test.
type Running struct {
	Out chan watcher.Snapshot
	// Wait bounds Await and Next: WaitLong unless the test's servers need
	// longer.
	Wait time.Duration
	stop func()
}

// Run starts w.Run and, on Stop or cleanup, cancels it and checks that it
// returns nil within 5 s, as the watcher contract requires.
func Run(t testing.TB, w watcher.Watcher) *Running {
	t.Helper()
	r := &Running{Out: make(chan watcher.Snapshot), Wait: WaitLong}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, r.Out) }()
	var once sync.Once
	r.stop = func() {
		once.Do(func() {
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
	}
	t.Cleanup(r.stop)
	return r
}

// Stop cancels Run and waits for it as cleanup would, for a test that
// looks at the watcher after Run returned. A second Stop does nothing.
func (r *Running) Stop() { r.stop() }

// Cond accepts a snapshot (nil) or says why not.
type Cond func(watcher.Snapshot) error

// Await reads snapshots until cond accepts one, for up to r.Wait.
func (r *Running) Await(t testing.TB, what string, cond Cond) watcher.Snapshot {
	t.Helper()
	return r.AwaitWithin(t, what, r.Wait, cond)
}

// AwaitWithin is Await with its own bound, for a test that asserts how
// soon a change is seen.
func (r *Running) AwaitWithin(t testing.TB, what string, within time.Duration, cond Cond) watcher.Snapshot {
	t.Helper()
	deadline := time.After(within)
	err := fmt.Errorf("no snapshot yet")
	for {
		select {
		case s := <-r.Out:
			if err = cond(s); err == nil {
				return s
			}
		case <-deadline:
			t.Fatalf("%s: not seen within %s: %v", what, within, err)
		}
	}
}

// Next returns the next snapshot, whatever it is, for a test that checks
// every one in turn.
func (r *Running) Next(t testing.TB) watcher.Snapshot {
	t.Helper()
	select {
	case s := <-r.Out:
		return s
	case <-time.After(r.Wait):
		t.Fatalf("no snapshot within %s", r.Wait)
		return watcher.Snapshot{}
	}
}

// Backends requires a good snapshot for service with exactly these
// backends, as their JSON, in order.
func Backends(service string, want ...string) Cond {
	return BackendsAs(service, Render, want...)
}

// BackendsAs is Backends for a package that compares backends in its own
// rendering, one line each.
func BackendsAs(service string, render func([]registration.Backend) string, want ...string) Cond {
	return func(s watcher.Snapshot) error {
		if s.Err != nil {
			return fmt.Errorf("snapshot error: %w", s.Err)
		}
		if s.Service != service {
			return fmt.Errorf("service %q, want %q", s.Service, service)
		}
		if got, w := render(s.Backends), strings.Join(want, "\n"); got != w {
			return fmt.Errorf("backends\n%s\nwant\n%s", got, w)
		}
		return nil
	}
}

// Stale requires an Err snapshot whose error mentions substr and which
// carries no backends (the core keeps the last good ones).
func Stale(substr string) Cond {
	return func(s watcher.Snapshot) error {
		if s.Err == nil {
			return fmt.Errorf("snapshot without error: %s", Render(s.Backends))
		}
		if !strings.Contains(s.Err.Error(), substr) {
			return fmt.Errorf("error %q does not mention %q", s.Err, substr)
		}
		if s.Backends != nil {
			return fmt.Errorf("error snapshot carries backends %s", Render(s.Backends))
		}
		return nil
	}
}

// Render is backends as JSON lines, for comparisons and messages.
func Render(bs []registration.Backend) string {
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
