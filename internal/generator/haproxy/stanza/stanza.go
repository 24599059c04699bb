// Package stanza holds the structured form of what the haproxy generator
// writes for a backend: its non-server lines and its servers. Render
// builds it alongside the text, and the runtime plan reads it, so a
// server is one value from the render to the command that changes it.
// Parse reads the same form from a config file, for the file found on
// disk at start-up only.
package stanza

import (
	"strconv"
	"strings"
)

// Server is one server line of a backend stanza. The stanzas of a
// config hold one per server (50,000 at scale) for as long as the render
// memo keeps them, so a Server is its line and the name in it; the
// methods read the other words from the line when asked.
type Server struct {
	Name string
	// Line is the line as written, without the leading TAB, with any
	// trailing " disabled".
	Line string
	// Live is false for a server written "disabled".
	Live bool
}

// LineServer is the Server of a line ("server NAME ADDR [options]"):
// Name is a substring of the line, so it costs no copy, and the other
// words are read from the line when asked (Words). A split kept per
// server was 5.5 MB at 50,000 servers, and the field that held it 24
// bytes of every stanza's map slot.
func LineServer(line string) Server {
	s := Server{Line: line, Live: true}
	n := 0
	for w := range strings.FieldsSeq(line) {
		switch {
		case n == 1:
			s.Name = w
		case n > 1 && w == "disabled":
			s.Live = false
			return s
		}
		n++
	}
	return s
}

// args calls yield with each word after the name but "disabled", in
// order, until it returns false. The words are read from the line on
// each call: a split kept per server was 5.5 MB at 50,000 servers.
func (s Server) args(yield func(string) bool) {
	n := 0
	for w := range strings.FieldsSeq(s.Line) {
		n++
		if n <= 2 || w == "disabled" {
			continue
		}
		if !yield(w) {
			return
		}
	}
}

// Words are the words after the name, without "disabled".
func (s Server) Words() []string {
	out := []string{}
	s.args(func(w string) bool { out = append(out, w); return true })
	return out
}

// Spec is the line without its " disabled" flag: what HAProxy runs the
// server with, whether or not it takes traffic.
func (s Server) Spec() string { return TrimDisabled(s.Line) }

// TrimDisabled removes a trailing " disabled" from a server line.
func TrimDisabled(line string) string {
	const flag = " disabled"
	if len(line) >= len(flag) && line[len(line)-len(flag):] == flag {
		return line[:len(line)-len(flag)]
	}
	return line
}

// Addr is the server's "host:port", "" without one.
func (s Server) Addr() string {
	addr := ""
	s.args(func(w string) bool { addr = w; return false })
	return addr
}

// Option returns the word after keyword in the server's options.
func (s Server) Option(keyword string) (string, bool) {
	found, value, ok := false, "", false
	s.args(func(w string) bool {
		if found {
			value, ok = w, true
			return false
		}
		found = w == keyword
		return true
	})
	return value, ok
}

// Has reports whether the server's options hold keyword.
func (s Server) Has(keyword string) bool {
	has := false
	s.args(func(w string) bool { has = w == keyword; return !has })
	return has
}

// HasAny returns the first of keywords, in their order, that the
// server's options hold: one reading of the line for many keywords.
func (s Server) HasAny(keywords []string) (string, bool) {
	first := len(keywords)
	s.args(func(w string) bool {
		for i, k := range keywords[:first] {
			if w == k {
				first = i
				break
			}
		}
		return first > 0
	})
	if first == len(keywords) {
		return "", false
	}
	return keywords[first], true
}

// Weight is the configured weight, HAProxy's default 1 without one.
func (s Server) Weight() int {
	if w, ok := s.Option("weight"); ok {
		if n, err := strconv.Atoi(w); err == nil {
			return n
		}
	}
	return 1
}

// WithoutWeight is the line with any "weight N" pair and "disabled"
// removed.
func (s Server) WithoutWeight() string {
	return s.Name + " " + withoutWeight(s.Words())
}

func withoutWeight(args []string) string {
	var out []string
	for i := 0; i < len(args); i++ {
		if args[i] == "weight" && i+1 < len(args) {
			i++
			continue
		}
		out = append(out, args[i])
	}
	return strings.Join(out, " ")
}

// Shape is the line without its address and weight: what must not change
// for a slot to be refilled at run time.
func (s Server) Shape() string {
	args := s.Words()
	if len(args) == 0 {
		return s.Name
	}
	return s.Name + " " + withoutWeight(args[1:])
}

// Backend is one backend stanza. Stanzas are shared between generations
// (the render memo keeps them) and never modified once built.
type Backend struct {
	// Lines are the non-server lines, without their TAB.
	Lines   []string
	Servers map[string]Server
	// Order is the server names in the order written.
	Order []string

	pool     *Pool // Pool(), once poolRead
	poolRead bool
}

// NewBackend is an empty stanza with lines.
func NewBackend(lines []string) *Backend {
	return &Backend{Lines: lines, Servers: map[string]Server{}}
}

// Add appends a server.
func (b *Backend) Add(s Server) {
	b.Servers[s.Name] = s
	b.Order = append(b.Order, s.Name)
}

// Server is the named server; nil b has none.
func (b *Backend) Server(name string) (Server, bool) {
	if b == nil {
		return Server{}, false
	}
	s, ok := b.Servers[name]
	return s, ok
}

// Parse reads the backend stanzas of a config file. Only the file found
// on disk at start-up is read this way: a generation's own stanzas come
// from the render.
func Parse(text string) map[string]*Backend {
	out := map[string]*Backend{}
	var cur *Backend
	for line := range strings.SplitSeq(text, "\n") {
		switch {
		case strings.HasPrefix(line, "backend "):
			cur = NewBackend(nil)
			out[strings.TrimPrefix(line, "backend ")] = cur
		case line != "" && line[0] != '\t' && line[0] != ' ':
			cur = nil
		case cur == nil || strings.TrimSpace(line) == "":
		case strings.HasPrefix(line, "\tserver "):
			cur.Add(LineServer(strings.TrimPrefix(line, "\t")))
		default:
			cur.Lines = append(cur.Lines, strings.TrimSpace(line))
		}
	}
	return out
}

// SplitAddr splits "host:port" ("[v6]:port" too) for "set server addr".
func SplitAddr(addr string) (string, int, bool) {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return "", 0, false
	}
	port, err := strconv.Atoi(addr[i+1:])
	if err != nil || port < 1 {
		return "", 0, false
	}
	return strings.Trim(addr[:i], "[]"), port, true
}
