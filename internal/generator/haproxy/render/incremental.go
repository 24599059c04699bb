package render

import (
	"reflect"
	"slices"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// generation is what the memo keeps of the last Generate, so that the
// next one renders only the services whose input moved and takes every
// other service's share of the Result from here. A lone change among
// 1,000 services otherwise looked each of them up in the memo and built
// the Result's maps afresh (1.2 ms at 50,000 servers, before the runtime
// command). The services are compared with the last ones position by
// position (a few words each); any other difference renders everything.
type generation struct {
	config *Config
	seed   int64
	target hapi.Version
	// ids and stanzas are the last Result's: a Generate whose ServerIDs are
	// not those ids (the caller's own, a state file's) renders everything.
	ids     ServerIDs
	stanzas map[string]*stanza.Backend
	// unique is false when two backends (extra sections' or services')
	// share a name: which one the map keeps depends on the render order.
	unique bool
	pieces []piece
	// layout and chunks are the last Result's Layout and lines; head and
	// tail the number of sections before and after the services' (base,
	// shared frontend). plain is whether no piece has more.
	layout     plan.Config
	chunks     [][]string
	head, tail int
	plain      bool
}

// piece is one service's share of a generation and the input it came
// from.
type piece struct {
	name   string
	config *ServiceConfig
	source MemoSource
	// volatile services are visited by every Generate: disabled ones
	// (Fresh lists them, as the runtime plan keeps their servers in
	// maintenance) and those the memo does not hold (slot pools, servers
	// from the state file, backends of no known source).
	volatile bool
	// stanza is whether the service has a chunk of the text (it has a
	// config and is not disabled).
	stanza   bool
	chunk    []string
	sections plan.Config
	more     *pieceMore // nil when the service added nothing else
	// at is where sections start in the generation's layout, and (with
	// stanza) chunkAt the chunk's index in its lines.
	at, chunkAt int
}

// pieceMore is the rest of a service's share, rarely any.
type pieceMore struct {
	shared     []string // its shared frontend lines
	dropped    []Dropped
	warnings   []string
	translated []string
	reasons    []string
	changes    []plan.ServerChange
}

// reusable is the last generation when in may take the services it
// does not render from it, else nil: same configs, seed, target and
// services (by name and config, position by position), and the ids the
// last Result left.
func (m *Memo) reusable(in Input) *generation {
	if m == nil || m.last == nil || in.TrackSources {
		return nil
	}
	g := m.last
	if g.config != in.Config || g.seed != in.Seed || g.target != in.Target || !g.unique ||
		len(g.pieces) != len(in.Services) || !sameMap(g.ids, in.ServerIDs) {
		return nil
	}
	for i := range in.Services {
		if p, svc := &g.pieces[i], &in.Services[i]; p.name != svc.Name || p.config != svc.Config {
			return nil
		}
	}
	return g
}

// stale reports whether svc, in the place of p's service (same name and
// config), has to be rendered again. Otherwise its share is p's: the memo
// would return the same stanzas, from the same backends (MemoSource) and
// ids (reusable).
func (p *piece) stale(svc *Service) bool {
	return p.volatile || p.source != svc.Source || len(svc.Cached) > 0
}

func sameMap[K comparable, V any](a, b map[K]V) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// tally is how much of each of the Result's lists was filled when a
// service's render started.
type tally struct{ layout, dropped, warnings, translated, reasons int }

func (r *Result) tally() tally {
	return tally{len(r.Layout), len(r.Dropped), len(r.Warnings), len(r.Translated), len(r.ReloadReasons)}
}

// since is what the service rendered since t added to r, copied when own
// (the Result's lists are not kept alive by the pieces of later
// generations).
func (r *Result) since(t tally, shared []string, own bool) (plan.Config, *pieceMore) {
	take := func(s []string, from int) []string { return cut(s[from:], own) }
	sections := plan.Config(cut(r.Layout[t.layout:], own))
	more := &pieceMore{
		shared: shared, dropped: cut(r.Dropped[t.dropped:], own),
		warnings: take(r.Warnings, t.warnings), translated: take(r.Translated, t.translated),
		reasons: take(r.ReloadReasons, t.reasons), changes: cut(r.Changes[t.reasons:], own),
	}
	if len(more.shared)+len(more.dropped)+len(more.warnings)+len(more.translated)+len(more.reasons) == 0 {
		more = nil
	}
	return sections, more
}

// cut is s, nil when empty, a copy when own, else capped so that an
// append to it cannot reach what follows.
func cut[T any](s []T, own bool) []T {
	switch {
	case len(s) == 0:
		return nil
	case own:
		return slices.Clone(s)
	}
	return slices.Clip(s)
}

// finish lays out the Result's lists from the base lines, the pieces and
// the shared frontend, and keeps the generation for the next Generate.
// Each service's lines stay a chunk of their own until Join: copying
// 50,000 server lines into one slice was a third of a lone change's
// render, before its runtime command. The empty last line ends the text
// with a newline; joining and then adding "\n" copied the whole config
// (megabytes at scale) once more.
func (r *renderer) finish(last *generation, head tally, v visit, base, shared []string) {
	in := r.in
	next := &generation{config: in.Config, seed: in.Seed, target: in.Target,
		ids: r.res.ServerIDs, stanzas: r.res.stanzas, unique: v.unique, pieces: v.pieces}
	if last == nil || v.reshaped || !r.res.splice(last, next, head, v, base, shared) {
		r.res.assemble(next, head, base, shared)
	} else {
		in.Memo.spliced++
	}
	in.Memo.keep(next)
}

// tailOf is the sections of the shared frontend, which follow the
// services'.
func tailOf(shared []string) plan.Config {
	var sections plan.Builder
	sections.Add(shared...)
	sections.Add("")
	return sections.Config()
}

// assemble sets r's lists from the head (what base and the shared
// frontend added, up to t) and the pieces, in service order: the same
// lists as rendering every service in turn gives. It records in g where
// each piece went.
func (r *Result) assemble(g *generation, t tally, base, shared []string) {
	pieces := g.pieces
	layout := make(plan.Config, 0, len(r.Layout)+len(pieces))
	layout = append(layout, r.Layout[:t.layout]...)
	chunks := make([][]string, 0, len(pieces)+3)
	chunks = append(chunks, base)
	dropped, warnings := r.Dropped[:t.dropped:t.dropped], r.Warnings[:t.warnings:t.warnings]
	translated := r.Translated[:t.translated:t.translated]
	reasons, changes := r.ReloadReasons[:t.reasons:t.reasons], r.Changes[:t.reasons:t.reasons]
	g.plain = true
	for i := range pieces {
		p := &pieces[i]
		p.at, p.chunkAt = len(layout), -1
		if p.stanza {
			p.chunkAt = len(chunks)
			chunks = append(chunks, p.chunk)
		}
		layout = append(layout, p.sections...)
		if m := p.more; m != nil {
			g.plain = false
			shared = append(shared, m.shared...)
			dropped, warnings = append(dropped, m.dropped...), append(warnings, m.warnings...)
			translated = append(translated, m.translated...)
			reasons, changes = append(reasons, m.reasons...), append(changes, m.changes...)
		}
	}
	r.Dropped, r.Warnings, r.Translated = dropped, warnings, translated
	r.ReloadReasons, r.Changes = reasons, changes
	r.lines = append(chunks, shared, []string{""})
	tail := tailOf(shared)
	r.Layout = append(layout, tail...)
	g.layout, g.chunks, g.head, g.tail = r.Layout, r.lines, t.layout, len(tail)
}

// splice sets r's lists as assemble would, from last's: a copy of its
// layout and chunks with the head, the tail and the services rendered
// again (v.dirty, each of the same shape as before) replaced, which at
// 1,000 services is a few copies instead of 1,000 appends. It needs
// pieces without more (then the lists hold the head's alone) and a head
// and tail of last's sizes; false leaves r to assemble.
func (r *Result) splice(last, g *generation, t tally, v visit, base, shared []string) bool {
	tail := tailOf(shared)
	if !last.plain || t.layout != last.head || len(tail) != last.tail {
		return false
	}
	layout := slices.Clone(last.layout)
	copy(layout, r.Layout[:t.layout])
	copy(layout[len(layout)-len(tail):], tail)
	chunks := slices.Clone(last.chunks)
	chunks[0], chunks[len(chunks)-2] = base, shared
	for _, i := range v.dirty {
		p := &g.pieces[i]
		copy(layout[p.at:], p.sections)
		if p.stanza {
			chunks[p.chunkAt] = p.chunk
		}
	}
	// Without more, the lists are the head's (r's own).
	r.Layout, r.lines = layout, chunks
	g.layout, g.chunks, g.head, g.tail, g.plain = layout, chunks, last.head, last.tail, true
	return true
}
