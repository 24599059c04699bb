// Package stanza holds the structured form of what the haproxy generator
// writes for a backend: its non-server lines and its servers. Render
// builds it alongside the text, and the runtime plan reads it, so a
// server is one value from the render to the command that changes it.
// Parse reads the same form from a config file, for the file found on
// disk at start-up only.
package stanza

import (
	"slices"
	"strconv"
	"strings"
)

// Server is one server line of a backend stanza.
type Server struct {
	Name string
	// Line is the line as written, without the leading TAB, with any
	// trailing " disabled".
	Line string
	// Args are the words after the name, without "disabled".
	Args []string
	// Live is false for a server written "disabled".
	Live bool
}

// NewServer splits a server line ("server NAME ADDR [options]") into a
// Server. Render calls it on the line it has just built, once per line.
func NewServer(line string) Server {
	f := strings.Fields(line)
	s := Server{Line: line, Live: true}
	if len(f) > 1 {
		s.Name = f[1]
	}
	// Args reuses f's array: a new slice per server line was 50,000 of
	// them at scale.
	rest := f[min(2, len(f)):]
	s.Args = rest[:0]
	for _, w := range rest {
		if w == "disabled" {
			s.Live = false
			continue
		}
		s.Args = append(s.Args, w)
	}
	return s
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
	if len(s.Args) == 0 {
		return ""
	}
	return s.Args[0]
}

// Option returns the word after keyword in the server's options.
func (s Server) Option(keyword string) (string, bool) {
	i := slices.Index(s.Args, keyword)
	if i < 0 || i+1 >= len(s.Args) {
		return "", false
	}
	return s.Args[i+1], true
}

// Has reports whether the server's options hold keyword.
func (s Server) Has(keyword string) bool { return slices.Contains(s.Args, keyword) }

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
	var out []string
	for i := 0; i < len(s.Args); i++ {
		if s.Args[i] == "weight" && i+1 < len(s.Args) {
			i++
			continue
		}
		out = append(out, s.Args[i])
	}
	return s.Name + " " + strings.Join(out, " ")
}

// Shape is the line without its address and weight: what must not change
// for a slot to be refilled at run time.
func (s Server) Shape() string {
	if len(s.Args) == 0 {
		return s.Name
	}
	return Server{Name: s.Name, Args: s.Args[1:]}.WithoutWeight()
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
			cur.Add(NewServer(strings.TrimPrefix(line, "\t")))
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
