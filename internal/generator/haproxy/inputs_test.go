package haproxy

import (
	"context"
	"maps"
	"slices"
	"testing"
	"unsafe"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
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

// The inputs are built in two buffers in turn, writing only what changed:
// through changes, a failed render (whose last good inputs must stay as
// they were, for the tick) and a change of the service set, every
// update's inputs are what building them afresh gives, and the last good
// ones are never written over.
func TestInputBuffersFollowUpdates(t *testing.T) {
	g := newTestGenerator(t, baseConfig(), newFakeClock())
	fresh := newTestGenerator(t, baseConfig(), newFakeClock())
	a, b, c := svc(g, t, "a", "port: 3000", live("", "h", 1)), svc(g, t, "b", "port: 3001", live("", "h", 2)), svc(g, t, "c", "port: 3002", live("", "h", 3))
	bad := svc(g, t, "b", "port: 3001\nserver_options: maxconn 50%", live("", "h", 2))
	moved := func(s generator.Service, port int) generator.Service {
		s.Backends = []registration.Backend{live("", "h", port)}
		s.Revision++
		return s
	}
	a11, a21, c13, c23 := moved(a, 11), moved(a, 21), moved(c, 13), moved(c, 23)
	steps := []struct {
		name     string
		services []generator.Service
		fails    bool
	}{
		{"first", []generator.Service{a, b, c}, false},
		{"same", []generator.Service{a, b, c}, false},
		{"a moved", []generator.Service{a11, b, c}, false},
		{"c moved", []generator.Service{a11, b, c13}, false},
		{"settled", []generator.Service{a11, b, c13}, false},
		{"render fails", []generator.Service{a11, bad, c13}, true},
		{"fails again", []generator.Service{a21, bad, c13}, true},
		{"good again", []generator.Service{a21, b, c13}, false},
		{"b gone", []generator.Service{a21, c13}, false},
		{"b back", []generator.Service{a21, b, c23}, false},
		{"settled again", []generator.Service{a21, b, c23}, false},
	}
	var good []Service // a copy of the last good inputs
	for _, st := range steps {
		err := g.Update(context.Background(), st.services)
		if (err != nil) != st.fails {
			t.Fatalf("%s: update error %v, want failure %v", st.name, err, st.fails)
		}
		want, err := fresh.inputs(st.services)
		if err != nil {
			t.Fatal(err)
		}
		fresh.prevIn, fresh.inBufs = nil, inputBuffers{} // always from scratch
		same := func(x, y []Service) bool {
			return slices.EqualFunc(x, y, func(p, q Service) bool {
				return p.Name == q.Name && p.Config == q.Config && p.Source == q.Source &&
					slices.Equal(p.Names, q.Names) && len(p.Registered) == len(q.Registered)
			})
		}
		if !same(g.prevIn, want) {
			t.Errorf("%s: inputs %+v, want %+v", st.name, g.prevIn, want)
		}
		if !st.fails {
			good = slices.Clone(g.lastIn)
		}
		if !same(g.lastIn, good) {
			t.Errorf("%s: the last good inputs were written over: %+v, want %+v", st.name, g.lastIn, good)
		}
	}
}
