package render

import (
	"slices"
	"testing"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// A Generate that starts from the last generation visits only the
// services whose input moved, and every other kind of change visits them
// all; either way the Result is a fresh render's, and Fresh lists the
// services not served as they were (rendered anew, disabled, slot pools).
func TestGenerateFromLastGeneration(t *testing.T) {
	// b's dropped line is replayed from its piece: the Result is then
	// assembled from every piece, else spliced from the last one's.
	for _, tc := range []struct {
		name   string
		b      []string
		splice bool
	}{{"spliced", []string{"mode tcp"}, true}, {"assembled", []string{"mode tcp", "bogus_directive 1"}, false}} {
		t.Run(tc.name, func(t *testing.T) { testGenerateFromLast(t, tc.b, tc.splice) })
	}
}

func testGenerateFromLast(t *testing.T, bLines []string, splice bool) {
	slotsCfg := testConfig()
	slotsCfg.ServerSlots, slotsCfg.DoSocket = SlotsAuto, true
	m := &memoInput{cfg: slotsCfg, backends: map[string][]registration.Backend{}, revs: map[string]uint64{},
		configs: map[string]*ServiceConfig{
			"a":   {Listen: []string{"mode tcp"}},
			"b":   {Listen: bLines},
			"c":   {Listen: []string{"mode tcp"}},
			"off": {Listen: []string{"mode tcp"}, Disabled: true},
			"web": {}, // an HTTP backend: a slot pool, rendered every time
		}}
	for _, s := range []string{"a", "b", "c", "off", "web"} {
		m.set(s, 3)
	}
	// Services in order: a b c off web.
	memo := NewMemo()
	ids := ServerIDs{}
	track := false
	steps := []struct {
		name   string
		change func()
		// reused are the services taken as they were, unvisited; fresh
		// the Result's Fresh, by name.
		reused int
		fresh  []string
	}{
		{"first", func() {}, 0, []string{"a", "b", "c", "off", "web"}},
		{"nothing changed", func() {}, 3, []string{"off", "web"}},
		{"b changed", func() { m.set("b", 4) }, 2, []string{"b", "off", "web"}},
		{"a and c changed", func() { m.set("a", 2); m.set("c", 5) }, 1, []string{"a", "c", "off", "web"}},
		{"c emptied", func() { m.set("c", 0) }, 2, []string{"c", "off", "web"}},
		{"c back", func() { m.set("c", 3) }, 2, []string{"c", "off", "web"}},
		{"ids from elsewhere", func() { ids = ids.Clone() }, 0, []string{"off", "web"}},
		{"settled", func() {}, 3, []string{"off", "web"}},
		{"c's config replaced", func() { m.configs["c"] = &ServiceConfig{Listen: []string{"mode tcp"}} }, 0, []string{"c", "off", "web"}},
		{"sources tracked", func() { track = true }, 0, []string{"off", "web"}},
		// Tracking adds Result.Sources only: the pieces are the same.
		{"untracked again", func() { track = false }, 3, []string{"off", "web"}},
		{"a gone", func() { delete(m.backends, "a") }, 0, []string{"off", "web"}},
		{"a back", func() { m.set("a", 1) }, 0, []string{"a", "off", "web"}},
		{"settled again", func() {}, 3, []string{"off", "web"}},
	}
	for _, st := range steps {
		st.change()
		memo.reused, memo.spliced = 0, 0
		in := m.input(ids, memo)
		in.TrackSources = track
		got := renderedAsFresh(t, st.name, in, m, ids)
		var fresh []string
		for _, i := range got.Fresh {
			fresh = append(fresh, in.Services[i].Name)
		}
		if memo.reused != st.reused || !slices.Equal(fresh, st.fresh) {
			t.Errorf("%s: %d services reused, fresh %q; want %d, %q", st.name, memo.reused, fresh, st.reused, st.fresh)
		}
		// Only a generation taken from the last one can be spliced (an
		// emptied service keeps its sections' shape: its frontend and
		// backend stanzas).
		if wantSplice := splice && st.reused > 0; (memo.spliced > 0) != wantSplice {
			t.Errorf("%s: spliced %v, want %v", st.name, memo.spliced > 0, wantSplice)
		}
		ids = got.ServerIDs
	}
}

// A failed Generate leaves no generation to start from: the next one
// renders every service.
func TestGenerateAfterFailure(t *testing.T) {
	m := &memoInput{cfg: testConfig(), backends: map[string][]registration.Backend{}, revs: map[string]uint64{},
		configs: map[string]*ServiceConfig{"a": {}, "b": {}}}
	m.set("a", 2)
	m.set("b", 2)
	memo := NewMemo()
	res, err := Generate(m.input(ServerIDs{}, memo))
	if err != nil {
		t.Fatal(err)
	}
	ids := res.ServerIDs
	m.configs["b"] = &ServiceConfig{ServerOptions: "maxconn 50%"}
	if _, err := Generate(m.input(ids, memo)); err == nil {
		t.Fatal("the bad template rendered")
	}
	m.configs["b"] = &ServiceConfig{}
	memo.reused = 0
	renderedAsFresh(t, "after the failure", m.input(ids, memo), m, ids)
	if memo.reused != 0 {
		t.Errorf("%d services reused after a failed Generate, want none", memo.reused)
	}
}
