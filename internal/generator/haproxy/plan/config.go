package plan

import "strings"

// Section is one section of a config as the reload diff reads it.
// Sections of a service's stanzas are built once, as the render writes
// them, and shared with the next generations while the service stays the
// same: the diff then skips them at once.
type Section struct {
	// Title is the line that starts the section ("backend x"); "" for
	// lines before the first title.
	Title string
	// Rest are the section's lines other than server lines, the title
	// first, as written (TAB included).
	Rest []string
	// Servers are its server lines without the TAB and " disabled".
	Servers []string

	index map[string]bool // Servers as a set, built on first use
}

func (s *Section) has(spec string) bool {
	if s.index == nil {
		s.index = make(map[string]bool, len(s.Servers))
		for _, l := range s.Servers {
			s.index[l] = true
		}
	}
	return s.index[spec]
}

// Config is a config's sections in file order.
type Config []*Section

// Builder makes a Config from lines as they are written.
type Builder struct {
	cfg Config
	cur *Section
}

// Add takes written lines; each may hold several, separated by "\n".
func (b *Builder) Add(lines ...string) {
	for _, l := range lines {
		if !strings.Contains(l, "\n") {
			b.line(l)
			continue
		}
		for part := range strings.SplitSeq(l, "\n") {
			b.line(part)
		}
	}
}

func (b *Builder) line(l string) {
	switch {
	case strings.HasPrefix(l, "\tserver "):
		s := b.section("")
		s.Servers = append(s.Servers, strings.TrimSuffix(l[1:], " disabled"))
		return
	case l != "" && l[0] != '\t' && l[0] != ' ':
		b.cur = &Section{Title: l}
		b.cfg = append(b.cfg, b.cur)
	}
	s := b.section("")
	s.Rest = append(s.Rest, l)
}

// section is the current section, a titleless one at the start.
func (b *Builder) section(title string) *Section {
	if b.cur == nil {
		b.cur = &Section{Title: title}
		b.cfg = append(b.cfg, b.cur)
	}
	return b.cur
}

// Config is what was added; the Builder starts afresh.
func (b *Builder) Config() Config {
	c := b.cfg
	*b = Builder{}
	return c
}

// Split reads a whole config (header line stripped). It is for the file
// on disk: a generation's own Config is built as it is rendered.
func Split(text string) Config {
	var b Builder
	for l := range strings.SplitSeq(text, "\n") {
		b.line(l)
	}
	return b.Config()
}

// sameRest reports whether a and b have the same lines other than server
// lines, in order; a section both share is skipped at once.
func sameRest(a, b Config) bool {
	i, j, ai, bj := 0, 0, 0, 0 // section, and line within it
	for {
		for i < len(a) && ai == len(a[i].Rest) {
			i, ai = i+1, 0
		}
		for j < len(b) && bj == len(b[j].Rest) {
			j, bj = j+1, 0
		}
		switch {
		case i == len(a) || j == len(b):
			return i == len(a) && j == len(b)
		case ai == 0 && bj == 0 && a[i] == b[j]:
			ai, bj = len(a[i].Rest), len(b[j].Rest)
			continue
		case a[i].Rest[ai] != b[j].Rest[bj]:
			return false
		}
		ai, bj = ai+1, bj+1
	}
}
