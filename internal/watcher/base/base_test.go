package base

import (
	"context"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
)

func TestRegisteredAndConfig(t *testing.T) {
	c := watchertest.Registered[*Config](t, Method)
	// The base watcher has no keys: anything is a warning naming it.
	watchertest.DecodeWarning(t, "servers: []\n", c, "servers")
	if _, err := New("svc", 42, watcher.Options{}); err == nil {
		t.Error("New accepted a config of the wrong type")
	}
}

// The one snapshot is an empty good set: the core's default_servers rule
// makes the default servers the backends (as the original's base watcher
// does).
func TestRunSendsOneEmptySet(t *testing.T) {
	w := watchertest.New[watcher.Watcher](t, Method, NewConfig(), watcher.Options{})
	r := watchertest.Run(t, w)
	s := r.Await(t, "empty set", watchertest.Backends(watchertest.Service))
	if s.Backends == nil {
		t.Fatal("nil backends: want an empty set, a real answer")
	}
	select {
	case s := <-r.Out:
		t.Fatalf("second snapshot %+v: want exactly one", s)
	case <-time.After(50 * time.Millisecond):
	}
	if err := w.(watcher.Pinger).Ping(context.Background()); err != nil {
		t.Fatalf("Ping = %v, want nil", err)
	}
}
