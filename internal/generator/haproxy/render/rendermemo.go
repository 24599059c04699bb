package render

import (
	"maps"
	"reflect"
	"slices"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Memo keeps each service's stanzas from the previous generation,
// so that an update re-renders only the services whose input changed. A
// lone backend change is the common update and the one whose latency
// matters (docs/benchmarks.md); before the memo, rendering every other
// service was the largest step between the watch event and the runtime
// API command. Render uses it only through Input.Memo (the Generator's),
// so Render's output never depends on it: a hit returns exactly what
// rendering the same input again would.
type Memo struct {
	entries map[string]*memoEntry
	seen    map[string]bool // services rendered by the current Render
	hits    int             // for tests
	reused  int             // services taken from last unvisited, for tests
	spliced int             // Results spliced from last's, for tests
	// last is the last generation, for the next to start from
	// (incremental.go); nil after a failed one.
	last *generation
}

// memoEntry is one service's stanzas and what rendering them added to
// the Result.
type memoEntry struct {
	key      memoKey
	ids      map[string]int // the service's ids before and after
	lines    []string
	dropped  []Dropped
	warnings []string
	// translated are the service's Result.Translated messages.
	translated []string
	// backend is the structured form of the service's backend stanza,
	// sections its lines as the reload diff reads them.
	backend  *stanza.Backend
	sections plan.Config
}

// memoKey is everything a non-slot service's stanzas depend on besides
// its server ids: the configs (never modified once built) and the
// backends, known by the discovery state's revision and slice.
type memoKey struct {
	config  *Config
	service *ServiceConfig
	seed    int64
	source  MemoSource
	target  hapi.Version
}

// MemoSource identifies a service's backends as the synapse loop handed
// them over: a revision moves with every change, and the slice is shared,
// never modified. The zero value (inputs built elsewhere) is never cached.
type MemoSource struct {
	revision uint64
	first    *registration.Backend
	n        int
}

// NewMemo is an empty memo.
func NewMemo() *Memo {
	return &Memo{entries: map[string]*memoEntry{}, seen: map[string]bool{}}
}

// SourceOf identifies backends at a discovery revision.
func SourceOf(revision uint64, backends []registration.Backend) MemoSource {
	s := MemoSource{revision: revision, n: len(backends)}
	if len(backends) > 0 {
		s.first = &backends[0]
	}
	return s
}

// memoUse is how cachedService used the memo.
type memoUse int

const (
	memoHit  memoUse = iota // the stanzas came from the memo
	memoKept                // rendered, and kept for the next Render
	notKept                 // rendered, and not kept: rendered again next time
)

// cachedService is r.service(svc), from the memo when its key and the
// service's ids are unchanged. Slot backends are never cached: their
// lines depend on the previous generation's pools. Neither are services
// with state-file servers, whose list changes without a new revision.
func (r *renderer) cachedService(svc *Service) ([]string, memoUse, error) {
	m := r.in.Memo
	name := svc.Config.BackendFor(svc.Name)
	if m == nil || svc.Source == (MemoSource{}) || len(svc.Cached) > 0 {
		lines, b, err := r.service(svc)
		r.res.stanzas[name] = b
		r.res.Layout = append(r.res.Layout, sectionsOf(lines)...)
		return lines, notKept, err
	}
	m.seen[svc.Name] = true
	key := memoKey{config: r.in.Config, service: svc.Config, seed: r.in.Seed, source: svc.Source, target: r.in.Target}
	if e := m.entries[svc.Name]; e != nil && e.key == key && sameIDs(e.ids, r.in.ServerIDs[svc.Name]) {
		r.res.Dropped = append(r.res.Dropped, e.dropped...)
		r.res.Warnings = append(r.res.Warnings, e.warnings...)
		r.res.Translated = append(r.res.Translated, e.translated...)
		m.hits++
		r.res.stanzas[name] = e.backend
		r.res.Layout = append(r.res.Layout, e.sections...)
		return e.lines, memoHit, nil
	}
	delete(m.entries, svc.Name)
	d, w, tw := len(r.res.Dropped), len(r.res.Warnings), len(r.res.Translated)
	lines, b, err := r.service(svc)
	r.res.stanzas[name] = b
	sections := sectionsOf(lines)
	r.res.Layout = append(r.res.Layout, sections...)
	if err != nil || r.slotted {
		return lines, notKept, err
	}
	e := &memoEntry{
		key: key, ids: r.res.ServerIDs[svc.Name], lines: lines, backend: b, sections: sections,
		dropped: slices.Clone(r.res.Dropped[d:]), warnings: slices.Clone(r.res.Warnings[w:]),
		translated: slices.Clone(r.res.Translated[tw:]),
	}
	m.entries[svc.Name] = e
	return lines, memoKept, nil
}

func sectionsOf(lines []string) plan.Config {
	var b plan.Builder
	b.Add(lines...)
	return b.Config()
}

// sameIDs is maps.Equal, at once when both are the same map: the ids a
// render left are the next update's input unless they changed (ServerIDs),
// and comparing 50 entries for each of 1,000 services was most of a lone
// change's render at scale.
func sameIDs(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer() {
		return true
	}
	return maps.Equal(a, b)
}

// prune forgets, after a Render of every service (full), the services it
// did not cache. A Render from the last generation visits only the
// services that changed: the others are as they were, and keep theirs.
func (m *Memo) prune(full bool) {
	if m == nil {
		return
	}
	if full {
		for name := range m.entries {
			if !m.seen[name] {
				delete(m.entries, name)
			}
		}
	}
	clear(m.seen)
}

// keep makes g the generation the next Render starts from.
func (m *Memo) keep(g *generation) {
	if m != nil {
		m.last = g
	}
}

// failed drops the last generation, whose pieces a failed Render may have
// replaced in part, and returns err.
func (m *Memo) failed(err error) error {
	if m != nil {
		m.last = nil
	}
	return err
}
