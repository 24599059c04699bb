package render

import (
	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/modernize"
)

// translate writes a section's user lines for the target HAProxy
// (docs/haproxy.md "HAProxy 1.x lines"), noting each rewritten line in
// the Result. Without a 2.x target the lines are written as they are.
func (r *renderer) translate(section string, kind modernize.Kind, lines []modernize.Line) ([]string, error) {
	if r.in.TrackSources {
		r.trackSources(section, kind, lines)
	}
	if !r.tr.Active() {
		return texts(lines), nil
	}
	out, warnings, err := r.tr.Section(kind, lines)
	if err != nil {
		return nil, err
	}
	r.res.Translated = append(r.res.Translated, warnings...)
	return out, nil
}

// extraSection is an extra_sections entry: its key is the section line,
// which may carry a 1.x listening address (a bind line in 2.x).
func (r *renderer) extraSection(s Section) (string, []string, error) {
	key := config.KeyPath("haproxy.extra_sections", s.Title)
	head, bind, warning, err := r.tr.Header(key, s.Title)
	if err != nil {
		return "", nil, err
	}
	if warning != "" {
		r.res.Translated = append(r.res.Translated, warning)
	}
	if r.in.TrackSources {
		r.res.Sources.add(head, head, key)
		for _, b := range bind {
			r.res.Sources.add(head, b, key)
		}
	}
	body, err := r.translate(head, modernize.KindOf(s.Title), sourced(key, s.Lines))
	if err != nil {
		return "", nil, err
	}
	return head, append(bind, body...), nil
}
