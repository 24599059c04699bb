package haproxy

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// loneSetup is three dynamic services, a, b and c, one weighted server
// each, that the fake HAProxy runs and the generator's record has read.
func loneSetup(t *testing.T) (*Generator, *fakeSocket, *fakeClock, []generator.Service) {
	t.Helper()
	sock := dynamicSocket(t, "")
	clock := newFakeClock()
	cfg := baseConfig()
	cfg.DoSocket, cfg.SocketFilePath, cfg.UseNerveWeights = true, StringList{sock.path}, true
	g := newTestGenerator(t, cfg, clock)
	var svcs []generator.Service
	for i, name := range []string{"a", "b", "c"} {
		be := live(name, "10.0.0."+string(rune('1'+i)), 80)
		be.Weight = registration.IntValue(1)
		svcs = append(svcs, svc(g, t, name, "backend: [mode tcp]", be))
	}
	mustUpdate(t, g, svcs...)
	sock.setStat(runningStat(g))
	g.forgetAllStats()
	mustUpdate(t, g, svcs...)
	g.reloads = reloads{}
	sock.commands()
	sock.showStats()
	return g, sock, clock, svcs
}

// reweigh gives service i's server a new weight, as a watcher's new
// snapshot does (a new slice).
func reweigh(svcs []generator.Service, i int, w int64) {
	s := &svcs[i]
	s.Backends = slices.Clone(s.Backends)
	s.Backends[0].Weight = registration.IntValue(w)
}

// A lone change is planned alone against the record: an unchanged
// service is not looked at, so b's server, put in maintenance behind
// synapse's back (in HAProxy and in the record), stays so until something
// plans every service against a fresh "show stat": a reload, a failed
// render, the tick's resync. A replaced config plans its own service.
func TestLoneChangePlansOnlyWhatChanged(t *testing.T) {
	const setA, enableB = "set server a/a_10.0.0.1:80 weight 7", "enable server b/b_10.0.0.2:80"
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		// event happens after the drift, before a's change.
		event func(t *testing.T, g *Generator, svcs []generator.Service, clock *fakeClock)
		// read: the change is planned against a fresh show stat, whole.
		read bool
		// more are commands expected besides a's, none when nil.
		more []string
		// partial: the wants were built for the changed services alone.
		partial bool
		// during are the commands the event itself sends.
		during []string
	}{
		{name: "lone change", partial: true},
		{name: "after a reload", read: true, more: []string{enableB}, partial: true,
			// What a reload does to the records (statcache.go's reload).
			event: func(_ *testing.T, g *Generator, _ []generator.Service, _ *fakeClock) { g.forgetAllStats() }},
		// The failed update itself plans every service (no stanzas to
		// plan from) and reads HAProxy once its plan asks for nothing.
		{name: "after a failed render", read: true, more: []string{enableB}, during: []string{enableB},
			event: func(t *testing.T, g *Generator, svcs []generator.Service, _ *fakeClock) {
				bad := svc(g, t, "bad", "server_options: maxconn 50%", live("x", "10.0.0.9", 80))
				if err := g.Update(ctx, append(slices.Clone(svcs), bad)); err == nil {
					t.Fatal("the bad template rendered")
				}
			}},
		{name: "after the tick's resync", partial: true, during: []string{enableB},
			event: func(t *testing.T, g *Generator, _ []generator.Service, clock *fakeClock) {
				clock.advance(statResync / 2)
				g.resyncStats(ctx)
			}},
		{name: "b's config replaced", more: []string{enableB},
			event: func(t *testing.T, g *Generator, svcs []generator.Service, _ *fakeClock) {
				svcs[1].Config = normalized(t, g, "b", "backend: [mode tcp, timeout server 5s]")
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, sock, clock, svcs := loneSetup(t)
			sock.setStat(strings.Replace(runningStat(g), "b,b_10.0.0.2:80,UP", "b,b_10.0.0.2:80,MAINT", 1))
			g.stats[sock.path].rec.Patch(map[plan.Ref]string{{Backend: "b", Server: "b_10.0.0.2:80"}: plan.StatMaint}, nil, nil)
			if tc.event != nil {
				tc.event(t, g, svcs, clock)
			}
			if got := sock.commands(); !sameCommands(got, tc.during) {
				t.Errorf("commands of the event %q, want %q", got, tc.during)
			}
			reweigh(svcs, 0, 7)
			mustUpdate(t, g, svcs...)
			reads := sock.showStats()
			if got, want := sock.commands(), append([]string{setA}, tc.more...); !sameCommands(got, want) {
				t.Errorf("commands %q, want %q", got, want)
			}
			if (reads > 0) != tc.read {
				t.Errorf("show stat read %d times, want read %v", reads, tc.read)
			}
			if partial := g.sameServices && g.uniqueBackends; partial != tc.partial {
				t.Errorf("wants of the changed services alone: %v, want %v", partial, tc.partial)
			}
		})
	}
}

// sameCommands compares commands as sets: the order of the whole plan's
// enable and the run-time weight is the plan's business.
func sameCommands(got, want []string) bool {
	got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	return slices.Equal(got, want)
}
