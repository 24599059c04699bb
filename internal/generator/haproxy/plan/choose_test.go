package plan

import (
	"maps"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
)

// Update chooses for the changed backends alone as Choose does for all,
// and remembers the refusals Choose of every backend would: the
// unchanged backends' kept, the replaced stanza's forgotten.
func TestChooserUpdate(t *testing.T) {
	old := map[string]*stanza.Backend{
		"a": backend("server a 1.1.1.1:1 id 1"),
		"b": backend("balance static-rr", "server b 1.1.1.2:1 id 1"),
	}
	cur := maps.Clone(old)
	cur["a"] = backend("balance static-rr", "server a 1.1.1.1:1 id 1") // a's stanza changed
	want := func(names ...string) Wants {
		w := Wants{}
		for _, n := range names {
			w[n] = &Backend{Service: n, Name: n, Mech: Reload, Live: []string{n}}
		}
		return w
	}
	var c Chooser
	c.Choose(want("a", "b"), old, nil, nil, nil)
	var noted []string
	part := want("a")
	c.Update(part, cur, old, nil, func(b, _ string) { noted = append(noted, b) })
	if len(noted) != 1 || noted[0] != "a" || len(part) != 1 || part["a"].Mech != Reload {
		t.Errorf("noted %q, a's mechanism %s; want a alone, on reloads", noted, part["a"].Mech)
	}
	var full Chooser
	full.Choose(want("a", "b"), cur, old, nil, nil)
	if !maps.Equal(c.refusals, full.refusals) {
		t.Errorf("refusals after Update %v, want Choose's %v", c.refusals, full.refusals)
	}
	if _, ok := c.refusals[old["a"]]; ok {
		t.Error("the refusal of a's replaced stanza is still remembered")
	}
}

// The refusal of a stanza whose previous one was found dynamic reads
// only its new and changed servers, and says what Refusal says.
func TestChooserRefusalFromPrevious(t *testing.T) {
	old := backend("server a 1.1.1.1:1 id 1", "server b 1.1.1.2:1 id 2")
	for _, tc := range []struct {
		name string
		cur  *stanza.Backend
	}{
		{"same servers", backend("server a 1.1.1.1:1 id 1", "server b 1.1.1.2:1 id 2")},
		{"a weight changed", backend("server a 1.1.1.1:1 id 1 weight 3", "server b 1.1.1.2:1 id 2")},
		{"b got a cookie", backend("server a 1.1.1.1:1 id 1", "server b 1.1.1.2:1 id 2 cookie b")},
		{"c added without id", backend("server a 1.1.1.1:1 id 1", "server b 1.1.1.2:1 id 2", "server c 1.1.1.3:1")},
		{"balance changed", backend("balance static-rr", "server a 1.1.1.1:1 id 1", "server b 1.1.1.2:1 id 2")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c Chooser
			c.Choose(Wants{"x": {Service: "x", Name: "x", Live: []string{"a"}}}, map[string]*stanza.Backend{"x": old}, nil, nil, nil)
			if r, ok := c.refusals[old]; !ok || r != "" {
				t.Fatalf("old stanza's refusal %q (known %v), want none", r, ok)
			}
			if got, want := c.refusal(tc.cur, old), Refusal(tc.cur, nil); got != want {
				t.Errorf("refusal %q, want Refusal's %q", got, want)
			}
		})
	}
}
