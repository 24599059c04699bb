package synapse

import (
	"testing"
	"time"
)

// A change of one ready service replaces its entry in a new view and
// leaves the other entries, the published view before it and the list
// the generator had before as they were.
func TestLoneChangePatchesTheView(t *testing.T) {
	h := start(t, Options{FirstUpdateTimeout: time.Minute}, func(h *harness) *Desired {
		return desired(genSpec("g", &h.gens, &h.mu), spec("a", "a", ""), spec("b", "b", ""), spec("c", "c", ""))
	})
	for i, s := range []string{"a", "b", "c"} {
		h.hub.send(t, s, i+1)
	}
	eventually(t, "first update", func() bool { return len(h.gen(0).updates()) == 1 })
	before := h.d.currentView()
	handed := h.gen(0).last()
	h.hub.send(t, "b", 20)
	eventually(t, "the change", func() bool { return serviceNames(h.gen(0).last()) == "a=b1:1;b=b20:20;c=b3:3;" })
	after := h.d.currentView()
	if got := serviceNames(servicesFor("gen", before)); got != "a=b1:1;b=b2:2;c=b3:3;" {
		t.Fatalf("the view published before now reads %s", got)
	}
	if got := serviceNames(handed); got != "a=b1:1;b=b2:2;c=b3:3;" {
		t.Fatalf("the list the generator had before now reads %s", got)
	}
	for i, name := range []string{"a", "b", "c"} {
		same := after.services[i].stamp == before.services[i].stamp
		if after.services[i].name != name || same != (name != "b") {
			t.Fatalf("entry %d: %s, stamp %d (was %d)", i, after.services[i].name, after.services[i].stamp, before.services[i].stamp)
		}
	}
	h.doReload("success") // the same config: a rebuilt view, the same content
	h.hub.send(t, "c", 30)
	eventually(t, "a change after a reload", func() bool { return serviceNames(h.gen(0).last()) == "a=b1:1;b=b20:20;c=b30:30;" })
}

// Generators are prepared once, before discovery has reported and so
// before their first update.
func TestGeneratorsPreparedBeforeTheFirstUpdate(t *testing.T) {
	h := start(t, Options{FirstUpdateTimeout: time.Minute}, func(h *harness) *Desired {
		return desired(genSpec("g", &h.gens, &h.mu), spec("a", "a", ""))
	})
	eventually(t, "prepared", func() bool {
		if h.genBuilds() == 0 {
			return false
		}
		g := h.gen(0)
		g.mu.Lock()
		defer g.mu.Unlock()
		return g.prepared > 0
	})
	h.hub.send(t, "a", 1)
	eventually(t, "first update", func() bool { return len(h.gen(0).updates()) == 1 })
	g := h.gen(0)
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.prepared != 1 || g.upsAtPrepare != 0 {
		t.Fatalf("prepared %d times, the first after %d updates", g.prepared, g.upsAtPrepare)
	}
}
