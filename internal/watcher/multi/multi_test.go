package multi

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/watcher"
)

// s3Res is a one-child multi section with an s3_toggle resolver of keys.
func s3Res(keys string) string {
	return "{method: multi, watchers: {primary: {method: " + fakeMethod + ", id: x}}, resolver: {method: s3_toggle, " + keys + "}}"
}

const twoFakes = "{method: multi, watchers: {primary: {method: " + fakeMethod + ", id: p}, " +
	"secondary: {method: " + fakeMethod + ", id: s}}, "

// Each is a configuration error.
func TestConfigErrors(t *testing.T) {
	child := "{method: " + fakeMethod + ", id: x}"
	tests := []struct{ name, src, want string }{
		{"empty discovery", "{}", "missing method"},
		{"no watchers", "{method: multi, watchers: {}, resolver: {method: union}}", "watchers: missing or empty"},
		{"misspelt method", "{method: muli}", `unknown method "muli"`},
		{"child method bogus", "{method: multi, watchers: {a: {method: bogus}}, resolver: {method: union}}", `discovery.watchers.a.method: unknown method "bogus"`},
		{"child is a string", "{method: multi, watchers: {a: hello}, resolver: {method: union}}", "discovery.watchers.a: cannot use !!str as a mapping"},
		{"watchers not a mapping", "{method: multi, watchers: [a], resolver: {method: union}}", "as a mapping of watcher name"},
		{"no resolver", "{method: multi, watchers: {a: " + child + "}}", "resolver.method: missing"},
		{"empty resolver", "{method: multi, watchers: {a: " + child + "}, resolver: {}}", "resolver.method: missing"},
		{"bogus resolver", "{method: multi, watchers: {a: " + child + "}, resolver: {method: fallback}}", `unknown resolver "fallback"`},
		{"s3_toggle bogus url", s3Res("s3_url: bogus, s3_polling_interval_seconds: 60"), `resolver.s3_url: "bogus" is not of the form s3://bucket/key`},
		{"s3_toggle no key", s3Res("s3_url: 's3://bucket/', s3_polling_interval_seconds: 60"), `resolver.s3_url: "s3://bucket/" is not`},
		{"s3_toggle no bucket", s3Res("s3_url: 's3:///key', s3_polling_interval_seconds: 60"), `resolver.s3_url: "s3:///key" is not`},
		{"s3_toggle no url", s3Res("s3_polling_interval_seconds: 60"), `resolver.s3_url: "" is not`},
		{"s3_toggle bogus interval", s3Res("s3_url: 's3://b/k', s3_polling_interval_seconds: bogus"), `resolver.s3_polling_interval_seconds: invalid duration "bogus"`},
		{"s3_toggle no interval", s3Res("s3_url: 's3://b/k'"), "resolver.s3_polling_interval_seconds: missing or 0"},
		{"s3_toggle zero interval", s3Res("s3_url: 's3://b/k', s3_polling_interval_seconds: 0"), "resolver.s3_polling_interval_seconds: missing or 0"},
		{"child label filter", "{method: multi, watchers: {a: {method: " + fakeMethod + ", id: x, label_filters: [{label: az, value: a, condition: like}]}}, resolver: {method: union}}",
			`watchers.a.label_filters[0]: filter on label "az": invalid condition "like"`},
		{"child label filter no label", "{method: multi, watchers: {a: {method: " + fakeMethod + ", id: x, label_filter: {value: a, condition: equals}}}, resolver: {method: union}}",
			`watchers.a.label_filter: filter on label "": missing label`},
		{"sequential no order", "{method: multi, watchers: {a: " + child + "}, resolver: {method: sequential}}", "sequential_order: missing or empty"},
		{"sequential empty order", "{method: multi, watchers: {a: " + child + "}, resolver: {method: sequential, sequential_order: []}}", "sequential_order: missing or empty"},
		{"sequential bogus name", "{method: multi, watchers: {a: " + child + "}, resolver: {method: sequential, sequential_order: [a, bogus]}}", `"bogus" is not a watcher name`},
		{"sequential missing name", twoFakes + "resolver: {method: sequential, sequential_order: [primary]}}", `watcher "secondary" is missing`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decode(t, tc.src)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestConfigOrderAndMethods(t *testing.T) {
	cfg, err := decode(t, "{method: MULTI, watchers: {zz: {method: "+fakeMethod+", id: z}, aa: {method: "+
		strings.ToUpper(fakeMethod)+", id: a}}, resolver: {method: Union}}")
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.(*Config)
	if len(c.Watchers) != 2 || c.Watchers[0].Name != "zz" || c.Watchers[1].Method != fakeMethod ||
		c.Watchers[1].Cfg.(*fakeConfig).ID != "a" {
		t.Fatalf("watchers = %+v", c.Watchers)
	}
	if _, err := New("web", cfg, watcher.Options{}); err != nil {
		t.Fatalf("New: %v", err)
	}
	if _, err := New("web", &Config{}, watcher.Options{}); err == nil {
		t.Fatal("New accepted an empty config")
	}
}

// Config order, duplicates kept, first non-empty
// generator config; and a failing child keeps its last good set.
func TestUnion(t *testing.T) {
	p, s := fake(t, "p"), fake(t, "s")
	w, out := start(t, twoFakes+"resolver: {method: union}}")
	s.send(t, watcher.Snapshot{Backends: backends("s1", "dup")})
	if got := next(t, out); !slices.Equal(hostsOf(got.Backends), []string{"s1", "dup"}) || got.Service != "web" {
		t.Fatalf("first = %+v", got)
	}
	gc := map[string]*yaml.Node{"haproxy": {Kind: yaml.MappingNode}}
	p.send(t, watcher.Snapshot{Backends: backends("p1", "dup"), GeneratorConfig: gc})
	got := next(t, out)
	if !slices.Equal(hostsOf(got.Backends), []string{"p1", "dup", "s1", "dup"}) || got.GeneratorConfig["haproxy"] == nil {
		t.Fatalf("union = %+v", got)
	}
	p.send(t, watcher.Snapshot{Err: errors.New("zk down")})
	if got := next(t, out); got.Err != nil || len(got.Backends) != 4 {
		t.Fatalf("stale child dropped: %+v", got)
	}
	if err := w.Ping(t.Context()); err != nil {
		t.Fatalf("Ping with a healthy child = %v", err)
	}
	s.send(t, watcher.Snapshot{Err: errors.New("dns down")})
	next(t, out)
	if err := w.Ping(t.Context()); err == nil {
		t.Fatal("Ping healthy with every child failing")
	}
}

// A child failing before anything is known is reported stale, not empty.
func TestNothingKnownYet(t *testing.T) {
	p, _ := fake(t, "p"), fake(t, "s")
	_, out := start(t, twoFakes+"resolver: {method: union}}")
	p.send(t, watcher.Snapshot{Err: errors.New("boom")})
	if got := next(t, out); got.Err == nil || !strings.Contains(got.Err.Error(), "primary: boom") {
		t.Fatalf("snapshot = %+v", got)
	}
}

// Sequential, with our stale rule: a failing or empty child gives way.
func TestSequential(t *testing.T) {
	p, s := fake(t, "p"), fake(t, "s")
	w, out := start(t, twoFakes+"resolver: {method: sequential, sequential_order: [primary, secondary]}}")
	s.send(t, watcher.Snapshot{Backends: backends("s1")})
	want := func(hosts ...string) {
		t.Helper()
		if got := next(t, out); !slices.Equal(hostsOf(got.Backends), hosts) || got.Err != nil {
			t.Fatalf("got %+v, want %v", got, hosts)
		}
	}
	want("s1") // primary has nothing yet
	p.send(t, watcher.Snapshot{Backends: backends("p1")})
	want("p1")
	p.send(t, watcher.Snapshot{Err: errors.New("zk down")})
	want("s1") // primary stale: the fresh secondary wins
	s.send(t, watcher.Snapshot{Err: errors.New("dns down")})
	want("p1") // both stale: the first non-empty stale set
	if err := w.Ping(t.Context()); err == nil {
		t.Fatal("Ping healthy with the current child failing")
	}
	p.send(t, watcher.Snapshot{Backends: backends()})
	want("s1") // primary empty: secondary's stale set beats nothing
	p.send(t, watcher.Snapshot{Backends: backends("p2")})
	want("p2")
	if err := w.Ping(t.Context()); err != nil {
		t.Fatalf("Ping = %v", err)
	}
}

func TestSequentialOrder(t *testing.T) {
	p, s := fake(t, "p"), fake(t, "s")
	_, out := start(t, twoFakes+"resolver: {method: sequential, sequential_order: [secondary, primary]}}")
	p.send(t, watcher.Snapshot{Backends: backends("p1")})
	next(t, out)
	s.send(t, watcher.Snapshot{Backends: backends("s1")})
	if got := next(t, out); !slices.Equal(hostsOf(got.Backends), []string{"s1"}) {
		t.Fatalf("got %v", hostsOf(got.Backends))
	}
}

// A child whose Run fails is restarted, its set kept meanwhile, and the
// other child goes on.
func TestChildRestarted(t *testing.T) {
	p, s := fake(t, "p"), fake(t, "s")
	_, out := start(t, twoFakes+"resolver: {method: union}}")
	p.send(t, watcher.Snapshot{Backends: backends("p1")})
	next(t, out)
	p.stop <- errors.New("session lost")
	if got := next(t, out); !slices.Equal(hostsOf(got.Backends), []string{"p1"}) {
		t.Fatalf("after stop: %+v", got)
	}
	s.send(t, watcher.Snapshot{Backends: backends("s1")})
	next(t, out)
	p.send(t, watcher.Snapshot{Backends: backends("p2")}) // taken by the restarted Run
	if got := next(t, out); !slices.Equal(hostsOf(got.Backends), []string{"p2", "s1"}) {
		t.Fatalf("after restart: %v", hostsOf(got.Backends))
	}
	if n := p.runs.Load(); n != 2 {
		t.Fatalf("primary ran %d times", n)
	}
}

func TestBaseResolver(t *testing.T) {
	p, _ := fake(t, "p"), fake(t, "s")
	w, out := start(t, twoFakes+"resolver: {method: base}}")
	p.send(t, watcher.Snapshot{Backends: backends("p1")})
	if got := next(t, out); got.Backends == nil || len(got.Backends) != 0 {
		t.Fatalf("base = %+v", got)
	}
	if err := w.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
}
