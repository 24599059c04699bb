package base

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/internal/watcher/watchertest"
)

func TestRegisteredAndConfig(t *testing.T) {
	ty, ok := watcher.Lookup(Method)
	if !ok {
		t.Fatal("method base not registered")
	}
	c, ok := ty.NewConfig().(*Config)
	if !ok {
		t.Fatalf("NewConfig gives %T", ty.NewConfig())
	}
	// The base watcher has no keys: anything is a warning naming it.
	warns, err := config.Decode("synapse.yaml", []byte("servers: []\n"), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 1 || !strings.Contains(warns[0].String(), "servers") {
		t.Fatalf("warnings %v, want one naming servers", warns)
	}
	if _, err := New("svc", 42, watcher.Options{}); err == nil {
		t.Error("New accepted a config of the wrong type")
	}
}

// The one snapshot is an empty good set: the core's default_servers rule
// makes the default servers the backends (acceptance: base watcher
// returns default_servers).
func TestRunSendsOneEmptySet(t *testing.T) {
	w, err := watcher.New(Method, "svc", NewConfig(), watcher.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := watchertest.Run(t, w)
	s := r.Await(t, "empty set", watchertest.Backends("svc"))
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
