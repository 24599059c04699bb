package haproxy

import (
	"maps"
	"slices"
	"testing"
	"unsafe"
)

// The input cache keeps one entry per service handed over, sharing the
// watcher's backends, and forgets the services that went.
func TestInputCacheFollowsServices(t *testing.T) {
	g := newTestGenerator(t, baseConfig(), newFakeClock())
	a, b, c := svc(g, t, "a", "port: 3000", live("", "h", 1)), svc(g, t, "b", "port: 3001", live("", "h", 2)), svc(g, t, "c", "port: 3002", live("", "h", 3))
	mustUpdate(t, g, a, b)
	if got := slices.Sorted(maps.Keys(g.inputCache)); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("cached %q, want a and b", got)
	}
	if e := g.inputCache["a"]; &e.backends[0] != &a.Backends[0] || e.names[0] != "h:1" {
		t.Errorf("a's entry copies the watcher's backends or misnames them: %+v", e)
	}
	name := g.inputCache["a"].names[0]
	mustUpdate(t, g, a, c)
	if got := slices.Sorted(maps.Keys(g.inputCache)); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("cached %q, want a and c", got)
	}
	if unsafe.StringData(g.inputCache["a"].names[0]) != unsafe.StringData(name) {
		t.Error("an unchanged service's names were computed again")
	}
}
