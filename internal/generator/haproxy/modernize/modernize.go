// Package modernize brings user-supplied HAProxy 1.x config lines forward
// to the syntax of the HAProxy 2.x that will load them: each removed form
// with an exact 2.x equivalent is rewritten (with a warning naming where
// the line came from and what it became), and a removed form without one
// is an error rather than a guess. docs/haproxy.md has the table.
package modernize

import (
	"fmt"
	"strings"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// Kind is the kind of section a line belongs to.
type Kind string

// The section kinds with lines to translate; Other (userlist, peers,
// resolvers...) is written as is.
const (
	Global   Kind = "global"
	Defaults Kind = "defaults"
	Frontend Kind = "frontend"
	Backend  Kind = "backend"
	Listen   Kind = "listen"
	Other    Kind = ""
)

// KindOf is the kind of a section from its header line.
func KindOf(header string) Kind {
	f := strings.Fields(header)
	if len(f) == 0 {
		return Other
	}
	switch k := Kind(f[0]); k {
	case Global, Defaults, Frontend, Backend, Listen:
		return k
	}
	return Other
}

func (k Kind) proxy() bool { return k == Defaults || k == Frontend || k == Backend || k == Listen }

// Line is one user-supplied line and the config key it came from, such as
// `services.web.haproxy.listen[2]`.
type Line struct {
	Text  string
	Where string
}

// Translator rewrites lines for one HAProxy version.
type Translator struct {
	// Target is the HAProxy that loads the config. Below 2.0 (or zero,
	// unknown) every line is written as is, as the Ruby original does.
	Target hapi.Version
}

// Active reports whether t translates anything.
func (t Translator) Active() bool { return t.Target.Major >= 2 }

// Error is a removed form without an exact 2.x equivalent.
type Error struct {
	Where, Line string
	// Removed is the HAProxy version that refuses the form.
	Removed string
	Reason  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %q is old HAProxy syntax, refused since HAProxy %s, with no exact equivalent: %s; rewrite it by hand",
		e.Where, e.Line, e.Removed, e.Reason)
}

// Header translates a section header. An address on a listen or frontend
// line becomes a bind line (body, to write first in the section); one on a
// backend line is dropped (1.x ignored it). warning is "" when nothing
// changed.
func (t Translator) Header(where, header string) (head string, body []string, warning string, err error) {
	f := strings.Fields(header)
	kind := KindOf(header)
	if !t.Active() || len(f) < 3 || !strings.Contains(f[2], ":") || (!kind.proxy() || kind == Defaults) {
		return header, nil, "", nil
	}
	if len(f) > 3 {
		return "", nil, "", &Error{Where: where, Line: header, Removed: "1.6",
			Reason: "words after the address; write the section line as \"" + string(kind) + " " + f[1] + "\" and the address as a bind line"}
	}
	head = f[0] + " " + f[1]
	if kind == Backend {
		return head, nil, warn(where, header, label1x, "1.6", []string{head}, ""), nil
	}
	body = []string{"bind " + f[2]}
	return head, body, warn(where, header, label1x, "1.6", append([]string{head}, body...), ""), nil
}

// Section translates the lines of one section of kind. Converted request
// and response rules are ordered as 1.x ran them (see order.go). warnings
// has one entry per translated line.
func (t Translator) Section(kind Kind, lines []Line) (out, warnings []string, err error) {
	if !t.Active() {
		out = make([]string, len(lines))
		for i, l := range lines {
			out[i] = l.Text
		}
		return out, nil, nil
	}
	var all []outLine
	for _, l := range lines {
		o, w, err := t.line(kind, l)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, o...)
		if w != "" {
			warnings = append(warnings, w)
		}
	}
	return order(all), warnings, nil
}

// line is one line's translation: the line itself when nothing applies.
func (t Translator) line(kind Kind, l Line) ([]outLine, string, error) {
	unchanged := []outLine{{text: l.Text, class: nativeClass(l.Text)}}
	r, words, err := find(t.Target, kind, l.Text)
	if r == nil {
		return unchanged, "", nil
	}
	var c *change
	if err == nil {
		c, err = r.apply(&lineCtx{target: t.Target, raw: l.Text, words: words, kind: kind})
	}
	switch {
	case err == nil && c == nil:
		return unchanged, "", nil
	case err == nil:
		texts := make([]string, len(c.lines))
		for i, o := range c.lines {
			texts[i] = o.text
		}
		return c.lines, warn(l.Where, l.Text, r.label(), r.removed, texts, c.note), nil
	case !t.Target.AtLeast(parseVersion(r.removed)):
		// Still accepted by the target: keep the original rather than fail.
		return unchanged, fmt.Sprintf("%s: %q is deprecated since HAProxy %s (removed in %s) and has no exact equivalent (%v); writing it as is",
			l.Where, l.Text, r.from, r.removed, err), nil
	}
	return nil, "", &Error{Where: l.Where, Line: l.Text, Removed: r.removed, Reason: err.Error()}
}

// warn is the message for a rewritten line: what it became, or note when
// it is left out.
func warn(where, line, label, removed string, wrote []string, note string) string {
	if len(wrote) == 0 {
		return fmt.Sprintf("%s: %q is %s, removed in %s; leaving it out (%s)", where, line, label, removed, note)
	}
	q := make([]string, len(wrote))
	for i, w := range wrote {
		q[i] = fmt.Sprintf("%q", w)
	}
	return fmt.Sprintf("%s: %q is %s, removed in %s; writing %s", where, line, label, removed, strings.Join(q, " and "))
}

func parseVersion(s string) (int, int) {
	v, err := hapi.ParseVersion(s)
	if err != nil {
		panic("modernize: bad version in rule table: " + s)
	}
	return v.Major, v.Minor
}
