package multi

import (
	"slices"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// labelled is a backend at host with label az.
func labelled(host, az string) registration.Backend {
	b := backends(host)[0]
	b.Labels = registration.ObjectValue(registration.Member{Key: "az", Value: registration.StringValue(az)})
	return b
}

// Each child applies the label filters of its own discovery
// section before the resolver merges; a child without filters keeps all.
func TestChildLabelFilters(t *testing.T) {
	p, s := fake(t, "p"), fake(t, "s")
	_, out := start(t, "{method: multi, watchers: {"+
		"primary: {method: "+fakeMethod+", id: p, label_filters: [{label: az, value: a, condition: equals}]}, "+
		"secondary: {method: "+fakeMethod+", id: s, label_filter: {label: az, value: a, condition: not-equals}}}, "+
		"resolver: {method: union}}")
	p.send(t, watcher.Snapshot{Backends: []registration.Backend{labelled("p-a", "a"), labelled("p-b", "b"), backends("p-none")[0]}})
	if got := hostsOf(next(t, out).Backends); !slices.Equal(got, []string{"p-a"}) {
		t.Fatalf("primary filtered to %v, want [p-a]", got)
	}
	s.send(t, watcher.Snapshot{Backends: []registration.Backend{labelled("s-a", "a"), labelled("s-b", "b"), backends("s-none")[0]}})
	if got := hostsOf(next(t, out).Backends); !slices.Equal(got, []string{"p-a", "s-b", "s-none"}) {
		t.Fatalf("union = %v, want [p-a s-b s-none]", got)
	}
}

// A child whose filters drop every backend is empty to sequential, which
// then takes the next child, as the original's pick on filtered backends.
func TestSequentialSkipsFilteredOutChild(t *testing.T) {
	p, s := fake(t, "p"), fake(t, "s")
	_, out := start(t, "{method: multi, watchers: {"+
		"primary: {method: "+fakeMethod+", id: p, label_filters: [{label: az, value: z, condition: equals}]}, "+
		"secondary: {method: "+fakeMethod+", id: s}}, resolver: {method: sequential, sequential_order: [primary, secondary]}}")
	s.send(t, watcher.Snapshot{Backends: backends("s1")})
	next(t, out)
	p.send(t, watcher.Snapshot{Backends: []registration.Backend{labelled("p1", "a")}})
	if got := hostsOf(next(t, out).Backends); !slices.Equal(got, []string{"s1"}) {
		t.Fatalf("got %v, want [s1]", got)
	}
}

// The filter keys of a child are known keys; the deprecated single one
// warns with its path and line.
func TestChildLabelFilterKeys(t *testing.T) {
	src := "method: multi\nwatchers:\n  a:\n    method: " + fakeMethod + "\n    id: x\n" +
		"    label_filter: {label: az, value: a, condition: equals}\n" +
		"    label_filters: [{label: r, value: 1, condition: not-equals}]\nresolver: {method: union}\n"
	n, err := config.Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	d := config.NewDecoder("t.yaml")
	cfg, ok := config.DecodeTyped(d, n, "discovery", "method", watcher.NewConfigs())
	if !ok || d.Err() != nil {
		t.Fatalf("decode: %v", d.Err())
	}
	ws := d.Warnings()
	if len(ws) != 1 || !strings.Contains(ws[0].String(), "t.yaml:6: discovery.watchers.a.label_filter: label_filter is deprecated") {
		t.Fatalf("warnings = %v", ws)
	}
	fs := cfg.(*Config).Watchers[0].Filters.Filters()
	if len(fs) != 2 || fs[0].Label != "az" || fs[1].Label != "r" || fs[1].Value.String() != "1" {
		t.Fatalf("filters = %+v", fs)
	}
}
