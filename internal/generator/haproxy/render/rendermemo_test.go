package render

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// memoInput holds the discovery side of a render-memo test: each service's
// backends as the synapse loop hands them over, with a revision.
type memoInput struct {
	cfg      *Config
	configs  map[string]*ServiceConfig
	backends map[string][]registration.Backend
	revs     map[string]uint64
}

func (m *memoInput) set(svc string, n int) {
	var bs []registration.Backend
	for i := range n {
		bs = append(bs, registration.Backend{Name: registration.StringValue(fmt.Sprintf("i%d", i)),
			Host: fmt.Sprintf("10.0.0.%d", i+1), Port: registration.NumberPort(8000 + i),
			Weight: registration.IntValue(int64(i + 1))})
	}
	m.backends[svc] = bs
	m.revs[svc]++
}

func (m *memoInput) input(ids ServerIDs, memo *Memo) Input {
	in := Input{Config: m.cfg, ServerIDs: ids, Seed: 3, Memo: memo}
	for _, name := range slices.Sorted(maps.Keys(m.backends)) {
		svc := Service{Name: name, Config: m.configs[name], Source: SourceOf(m.revs[name], m.backends[name])}
		for _, b := range m.backends[name] {
			svc.Backends = append(svc.Backends, Backend{Backend: b})
		}
		in.Services = append(in.Services, svc)
	}
	return in
}

// sameBackends fails unless the Result's backends, rendered or from the
// memo, are those of its whole text.
func sameBackends(t *testing.T, step string, res *Result) {
	t.Helper()
	// Only what parsing sets: pool() caches its answer in the stanzas.
	same := func(a, b *stanza.Backend) bool {
		return reflect.DeepEqual(a.Lines, b.Lines) && reflect.DeepEqual(a.Servers, b.Servers) && slices.Equal(a.Order, b.Order)
	}
	if got, want := res.Backends(), stanza.Parse(StripHeader(res.Text)); !maps.EqualFunc(got, want, same) {
		t.Fatalf("%s: backends rendered differ from the text's:\n%+v\nwant\n%+v", step, got, want)
	}
	// The reload diff's sections, built as rendered, read as the text does.
	split := plan.Split(StripHeader(res.Text))
	if r := append(plan.Diff(split, res.Layout, nil), plan.Diff(res.Layout, split, nil)...); len(r) > 0 {
		t.Fatalf("%s: rendered sections differ from the text's: %v", step, r)
	}
}

// renderedAsFresh renders in (with its memo) and fails unless the result
// is what a render of the same services without a memo gives.
func renderedAsFresh(t *testing.T, step string, in Input, m *memoInput, ids ServerIDs) *Result {
	t.Helper()
	got, err := Render(in)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Render(m.input(ids, nil))
	if err != nil {
		t.Fatal(err)
	}
	sameResult(t, step, got, want)
	return got
}

func sameResult(t *testing.T, step string, got, want *Result) {
	t.Helper()
	sameBackends(t, step, got)
	if got.Text != want.Text {
		t.Fatalf("%s: text differs from a fresh render\n%s\nwant\n%s", step, got.Text, want.Text)
	}
	if !maps.EqualFunc(got.ServerIDs, want.ServerIDs, maps.Equal) {
		t.Fatalf("%s: ids %v, want %v", step, got.ServerIDs, want.ServerIDs)
	}
	if fmt.Sprint(got.Dropped) != fmt.Sprint(want.Dropped) || !slices.Equal(got.Warnings, want.Warnings) ||
		!slices.Equal(got.ReloadReasons, want.ReloadReasons) {
		t.Fatalf("%s: dropped/warnings/reasons %v %q %q, want %v %q %q", step,
			got.Dropped, got.Warnings, got.ReloadReasons, want.Dropped, want.Warnings, want.ReloadReasons)
	}
}

// Rendering through the memo gives exactly what a fresh render of the same
// input gives, through every kind of change, and re-renders only what
// changed: with slots off and with auto slots (whose HTTP backends, being
// pools, are never cached).
func TestRenderMemoMatchesFreshRender(t *testing.T) {
	slotsCfg := testConfig()
	slotsCfg.ServerSlots, slotsCfg.DoSocket = SlotsAuto, true
	for _, tc := range []struct {
		name      string
		cfg       *Config
		cacheable int // services of the three the memo may hold
	}{{"slots off", testConfig(), 3}, {"auto slots", slotsCfg, 2}} {
		t.Run(tc.name, func(t *testing.T) {
			m := &memoInput{cfg: tc.cfg, backends: map[string][]registration.Backend{}, revs: map[string]uint64{},
				configs: map[string]*ServiceConfig{
					"http": {},
					"tcp":  {Listen: []string{"mode tcp"}},
					// A dropped line and an id warning are replayed on a hit.
					"odd": {Listen: []string{"mode tcp", "bogus_directive 1"}, BackendOrder: "asc"},
				}}
			for _, s := range []string{"http", "tcp", "odd"} {
				m.set(s, 3)
			}
			memo := NewMemo()
			ids := ServerIDs{}
			render := func(step string, wantHits int) {
				t.Helper()
				memo.hits = 0
				got := renderedAsFresh(t, step, m.input(ids, memo), m, ids)
				if len(got.Dropped) == 0 {
					t.Fatalf("%s: bogus_directive not dropped; the test lost its dropped line", step)
				}
				if memo.hits != wantHits {
					t.Fatalf("%s: %d memo hits, want %d", step, memo.hits, wantHits)
				}
				ids = got.ServerIDs
			}
			render("first", 0)
			render("unchanged", tc.cacheable)
			m.set("tcp", 4)
			render("tcp gained a backend", tc.cacheable-1)
			ids = ids.Clone()
			ids["odd"]["i0_10.0.0.1:8000"] = 99
			render("ids changed outside", tc.cacheable-1)
			m.configs["odd"] = &ServiceConfig{Listen: []string{"mode tcp", "bogus_directive 2"}}
			render("odd's config replaced", tc.cacheable-1)
			delete(m.backends, "tcp")
			render("tcp gone", tc.cacheable-1)
			m.set("tcp", 2)
			render("tcp back", tc.cacheable-1)
			render("settled", tc.cacheable)
		})
	}
}
