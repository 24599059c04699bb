package zk

import (
	"slices"
	"testing"
)

func TestParentPathAndChildOf(t *testing.T) {
	for _, c := range []struct{ path, parent string }{
		{"/a", "/"}, {"/a/b", "/a"}, {"/a/b/c_0001", "/a/b"},
	} {
		if got := parentPath(c.path); got != c.parent {
			t.Errorf("parentPath(%q) = %q, want %q", c.path, got, c.parent)
		}
	}
	for _, c := range []struct {
		parent, path, name string
		ok                 bool
	}{
		{"/s", "/s/x", "x", true},
		{"/", "/x", "x", true},
		{"/s", "/s", "", false},     // the watched znode itself
		{"/s", "/s/x/y", "", false}, // a grandchild
		{"/s", "/sx/y", "", false},  // a sibling's child
		{"/", "/", "", false},       // the root is nobody's child
	} {
		name, ok := childOf(c.parent, c.path)
		if name != c.name || ok != c.ok {
			t.Errorf("childOf(%q, %q) = %q, %v; want %q, %v", c.parent, c.path, name, ok, c.name, c.ok)
		}
	}
}

func TestRouterDeliversChildEventsToEverySubscriber(t *testing.T) {
	r := newRouter()
	a, unsubA := r.subscribe("/s")
	b, unsubB := r.subscribe("/s")
	other, unsubOther := r.subscribe("/t")
	defer unsubOther()
	r.route(Event{Type: EventNodeDataChanged, Path: "/s/x"})
	r.route(Event{Type: EventNodeDeleted, Path: "/s/y"})
	r.route(Event{Type: EventNodeChildrenChanged, Path: "/s"}) // the parent's own event: for "/"
	r.route(Event{Path: ""})                                   // a session event
	paths := func(evs []Event) []string {
		var out []string
		for _, ev := range evs {
			out = append(out, ev.Path)
		}
		return out
	}
	for name, in := range map[string]*inbox{"a": a, "b": b} {
		select {
		case <-in.wake:
		default:
			t.Errorf("inbox %s not woken", name)
		}
		if got := paths(in.take()); !slices.Equal(got, []string{"/s/x", "/s/y"}) {
			t.Errorf("inbox %s got %q", name, got)
		}
	}
	if got := other.take(); len(got) != 0 {
		t.Errorf("inbox of /t got %v", got)
	}
	unsubA()
	r.route(Event{Type: EventNodeDataChanged, Path: "/s/z"})
	if got := a.take(); len(got) != 0 {
		t.Errorf("unsubscribed inbox got %v", got)
	}
	if got := paths(b.take()); !slices.Equal(got, []string{"/s/z"}) {
		t.Errorf("inbox b got %q after a left", got)
	}
	unsubB()
	if len(r.subs) != 1 {
		t.Errorf("subscriptions left: %v", r.subs)
	}
}
