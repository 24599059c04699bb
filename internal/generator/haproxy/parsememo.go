package haproxy

// parseMemo holds the configs parseBackends read during one update: the
// previous generation's text is read for the slot pools before Render,
// then again with the new text to choose the mechanisms and by slotBase,
// four parses of the whole config where two suffice. It is cleared when
// the update ends, so no parsed config outlives it (at 50,000 servers one
// is tens of MB).
type parseMemo struct {
	texts    []string
	backends []map[string]*renderedBackend
}

// backendsOf is parseBackends(text), parsed once per update. Callers must
// not modify the result. The texts compared are usually the very same
// string (g.lastText), which compares in constant time.
func (g *Generator) backendsOf(text string) map[string]*renderedBackend {
	m := &g.parsed
	for i, t := range m.texts {
		if t == text {
			return m.backends[i]
		}
	}
	b := parseBackends(text)
	m.texts, m.backends = append(m.texts, text), append(m.backends, b)
	return b
}

func (m *parseMemo) clear() { m.texts, m.backends = nil, nil }
