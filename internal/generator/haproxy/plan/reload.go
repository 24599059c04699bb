package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
)

// maxDiffReasons bounds the server lines named in one diff.
const maxDiffReasons = 5

// Diff lists what changed from old to cur that the stats socket cannot
// apply and applied does not cover. The socket applies a server leaving
// (disable) and a server's "disabled" flag flipping (enable/disable), and
// keeps doing so for a server moving within its backend (the shuffle);
// anything else needs HAProxy to read the new file. This replaces the
// original's comparison of each service's map with the state-file copy,
// which forced a reload on every update without a state file
// (docs/compatibility.md).
func Diff(old, cur Config, applied Applied) []Reason {
	var out []Reason
	if !sameRest(old, cur) {
		out = append(out, Reason{ConfigChanged, "lines other than server lines changed"})
	}
	shared := sharedWith(old, cur)
	byTitle := titled(old, cur, shared)
	added := 0
	for i, s := range cur {
		if shared(i, s) {
			continue // the same stanzas as before: every line is known
		}
		backend, isBackend := strings.CutPrefix(s.Title, "backend ")
		for _, spec := range s.Servers {
			if known(byTitle[s.Title], spec) || isBackend && applied.Runs(Ref{backend, serverField(spec)}, spec) {
				continue
			}
			if added++; added <= maxDiffReasons {
				out = append(out, Reason{NewServer,
					fmt.Sprintf("server line added or changed in %s: %s", s.Title, serverField(spec))})
			}
		}
	}
	return out
}

// sharedWith reports whether cur's section i, s, is one of old's. A
// section at the same place in both is (a lone change replaces its own
// sections where they were); only old's others go in a set: at 50,000
// servers a set of old's 3,000 sections on every update was most of the
// diff of a lone change.
func sharedWith(old, cur Config) func(i int, s *Section) bool {
	var rest map[*Section]bool
	for j, s := range old {
		if j >= len(cur) || cur[j] != s {
			if rest == nil {
				rest = map[*Section]bool{}
			}
			rest[s] = true
		}
	}
	return func(i int, s *Section) bool { return i < len(old) && old[i] == s || rest[s] }
}

// titled maps the titles of cur's new sections with server lines to the
// sections of old with the same title: a lone change looks up one or two.
func titled(old, cur Config, shared func(int, *Section) bool) map[string][]*Section {
	out := map[string][]*Section{}
	var titles []string
	for i, s := range cur {
		if !shared(i, s) && len(s.Servers) > 0 {
			if _, ok := out[s.Title]; !ok {
				titles = append(titles, s.Title)
			}
			out[s.Title] = nil
		}
	}
	if len(out) == 0 {
		return out
	}
	// A lone change has one or two titles, which compare faster than a
	// hash of each of old's 3,000.
	for _, s := range old {
		if slices.Contains(titles, s.Title) {
			out[s.Title] = append(out[s.Title], s)
		}
	}
	return out
}

func known(sections []*Section, spec string) bool {
	for _, s := range sections {
		if s.has(spec) {
			return true
		}
	}
	return false
}

// serverField is the server name of a server line.
func serverField(line string) string {
	f := strings.Fields(line)
	if len(f) < 2 {
		return line
	}
	return f[1]
}

// Shrunk gives a reason for each slot pool of cur that is smaller than in
// prev: removed server lines are otherwise left to "disable server", and a
// pool shrinks only for HAProxy to drop the slots.
func Shrunk(prev, cur map[string]*stanza.Backend) []Reason {
	if len(prev) == 0 {
		return nil
	}
	// Only pools that are new stanzas can have shrunk; sorting every
	// backend's name on each update, to name them in order, cost more
	// than the rest of a lone change's diff.
	var names []string
	for name, b := range cur {
		// Pool is worked out once per stanza: most backends are no pools,
		// and are passed over without a lookup in prev.
		if b == nil || b.Pool() == nil {
			continue
		}
		if p := prev[name]; p != nil && p != b {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var out []Reason
	for _, name := range names {
		was, now := prev[name].Pool(), cur[name].Pool()
		if now != nil && now.Size() < was.Size() {
			out = append(out, Reason{ConfigChanged,
				fmt.Sprintf("slot pool of backend %s shrank from %d to %d slots", name, was.Size(), now.Size())})
		}
	}
	return out
}

// ServerChange is a render's note that a live server's
// haproxy_server_options (or, with use_nerve_weights, its weight) differs
// from the state file's copy.
type ServerChange struct {
	Ref    Ref
	Detail string
}

// Unapplied are the reasons of changes for servers not changed at run
// time: the stats socket cannot change a server's options or weight, but
// "add server" and "set server weight" may have.
func Unapplied(changes []ServerChange, applied Applied) []Reason {
	var out []Reason
	for _, c := range changes {
		if !applied.Has(c.Ref) {
			out = append(out, Reason{ServerChanged, c.Detail})
		}
	}
	return out
}
