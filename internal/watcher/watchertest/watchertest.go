// Package watchertest runs a discovery watcher in a test and checks the
// snapshots it sends: the harness every watcher package's tests share.
package watchertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// WaitLong bounds Await: generous, because the tests share 2 cores with
// real servers.
const WaitLong = 10 * time.Second

// Running is a watcher whose Run goes on until the test ends.
type Running struct {
	Out chan watcher.Snapshot
}

// Run starts w.Run and, on cleanup, cancels it and checks that it returns
// nil within 5 s, as the watcher contract requires.
func Run(t *testing.T, w watcher.Watcher) *Running {
	t.Helper()
	r := &Running{Out: make(chan watcher.Snapshot)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, r.Out) }()
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

// Cond accepts a snapshot (nil) or says why not.
type Cond func(watcher.Snapshot) error

// Await reads snapshots until cond accepts one.
func (r *Running) Await(t *testing.T, what string, cond Cond) watcher.Snapshot {
	t.Helper()
	deadline := time.After(WaitLong)
	err := fmt.Errorf("no snapshot yet")
	for {
		select {
		case s := <-r.Out:
			if err = cond(s); err == nil {
				return s
			}
		case <-deadline:
			t.Fatalf("%s: not seen within %s: %v", what, WaitLong, err)
		}
	}
}

// Backends requires a good snapshot for service with exactly these
// backends, as their JSON, in order.
func Backends(service string, want ...string) Cond {
	return func(s watcher.Snapshot) error {
		if s.Err != nil {
			return fmt.Errorf("snapshot error: %w", s.Err)
		}
		if s.Service != service {
			return fmt.Errorf("service %q, want %q", s.Service, service)
		}
		if got, w := Render(s.Backends), strings.Join(want, "\n"); got != w {
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
