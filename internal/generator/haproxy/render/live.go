package render

import (
	"strings"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// LiveCount is the number of live servers, Backends or Registered.
func (s *Service) LiveCount() int {
	if s.Backends != nil {
		return len(s.Backends)
	}
	return len(s.Registered)
}

// Live is live server i: its registration and haproxy_server_id (0 for
// none).
func (s *Service) Live(i int) (*registration.Backend, int) {
	if s.Backends != nil {
		return &s.Backends[i].Backend, s.Backends[i].ServerID
	}
	return &s.Registered[i], 0
}

// LiveName is ServerName of live server i.
func (s *Service) LiveName(i int) string {
	if len(s.Names) == s.LiveCount() {
		return s.Names[i]
	}
	b, _ := s.Live(i)
	return ServerName(*b)
}

// compact puts lines into one string, as Join would write them, and
// replaces each with its substring, in place. A service's lines live as long as the
// render memo keeps the service (its stanza and sections hold them too):
// as 50 separate strings per service they were scattered over the heap,
// which made joining the 55,000 lines of a config at 50,000 servers a
// cache miss per line.
func compact(lines []string) []string {
	size := max(len(lines)-1, 0)
	for _, l := range lines {
		size += len(l)
	}
	var b strings.Builder
	b.Grow(size)
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
	}
	text, at := b.String(), 0
	for i, l := range lines {
		lines[i] = text[at : at+len(l)]
		at += len(l) + 1
	}
	return lines
}
