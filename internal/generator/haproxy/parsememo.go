package haproxy

import (
	"maps"
	"strings"
)

// chunk is one part of a generated config as Render joined it: the base
// sections, then each service's stanzas. Every chunk starts a section, so
// parsing the chunks one by one reads the same backends as parsing the
// whole text.
type chunk struct {
	lines []string
	memo  *memoEntry // the service's memo entry; nil when not memoized
}

// backends is parseBackends(StripHeader(r.Text)), built from the chunks:
// a memoized service is parsed once for as long as its stanzas stay the
// same, so a lone change costs the parse of one service, not of a config
// that holds 50,000 servers at scale. Callers must not modify the result;
// its stanzas are shared with the memo and the next generations.
func (r *Result) backends() map[string]*renderedBackend {
	if r.parsed == nil {
		r.parsed = map[string]*renderedBackend{}
		for _, c := range r.chunks {
			maps.Copy(r.parsed, c.backends())
		}
	}
	return r.parsed
}

func (c chunk) backends() map[string]*renderedBackend {
	if c.memo == nil {
		return parseBackends(strings.Join(c.lines, "\n"))
	}
	if c.memo.backends == nil {
		c.memo.backends = parseBackends(strings.Join(c.lines, "\n"))
	}
	return c.memo.backends
}

// lastBackends are the previous generation's backends, nil before the
// first.
func (g *Generator) lastBackends() map[string]*renderedBackend {
	if g.last == nil {
		return nil
	}
	return g.last.backends()
}
