package render

import (
	"strings"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/modernize"
)

// Sources maps the lines of a rendered haproxy.cfg back to the config keys
// that produced them, so that what HAProxy says about line 42 can name
// services.web.haproxy.listen[2]. A line is known by its section header
// and its text: the same line in two sections may come from two keys.
type Sources struct {
	lines map[sourceKey]string
	// services are the service of each section synapse writes for one,
	// for the lines no user key wrote (servers, default_backend).
	services map[string]string
}

type sourceKey struct{ section, text string }

func newSources() *Sources {
	return &Sources{lines: map[sourceKey]string{}, services: map[string]string{}}
}

// add records that text in section came from where; the first key wins,
// as HAProxy reads the first line first. A nil Sources records nothing.
func (s *Sources) add(section, text, where string) {
	if s == nil {
		return
	}
	k := sourceKey{section, strings.TrimSpace(text)}
	if _, ok := s.lines[k]; !ok {
		s.lines[k] = where
	}
}

func (s *Sources) service(section, name string) {
	if s != nil {
		s.services[section] = name
	}
}

// Line is one line of a rendered config and where it came from.
type Line struct {
	// Number counts from 1, as HAProxy does.
	Number int
	Text   string
	// Section is the header of the section the line is in ("" before
	// the first).
	Section string
	// Where is the config key that wrote the line: a user line's key
	// (services.web.haproxy.listen[2], haproxy.global[0]), else the
	// service's haproxy section for the lines synapse writes for it;
	// "" for the rest.
	Where string
}

// Lookup finds line n (from 1) of text, the config rendered with these
// sources. ok is false past the end.
func (s *Sources) Lookup(text string, n int) (Line, bool) {
	lines := strings.Split(text, "\n")
	if n < 1 || n > len(lines) {
		return Line{}, false
	}
	section := ""
	for _, l := range lines[:n] {
		if IsHeader(l) {
			section = strings.TrimSpace(l)
		}
	}
	out := Line{Number: n, Text: strings.TrimSpace(lines[n-1]), Section: section}
	if s == nil {
		return out, true
	}
	if w, ok := s.lines[sourceKey{section, out.Text}]; ok {
		out.Where = w
	} else if svc, ok := s.services[section]; ok {
		out.Where = serviceKey(svc)
	}
	return out, true
}

// IsHeader reports whether a rendered line starts a section: synapse
// writes every other line indented.
func IsHeader(l string) bool {
	return l != "" && l[0] != '\t' && l[0] != ' ' && l[0] != '#'
}

// trackSources records where each of lines went: one line may become
// several (or none) once translated, so each is translated alone.
func (r *renderer) trackSources(section string, kind modernize.Kind, lines []modernize.Line) {
	for _, l := range lines {
		out, _, err := r.tr.Section(kind, []modernize.Line{l})
		if err != nil {
			continue
		}
		for _, o := range out {
			r.res.Sources.add(section, o, l.Where)
		}
	}
}

func serviceKey(name string) string {
	return config.KeyPath(config.KeyPath("services", name), "haproxy")
}
