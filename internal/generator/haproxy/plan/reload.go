package plan

import (
	"fmt"
	"strings"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
)

// maxDiffReasons bounds the server lines named in one diff.
const maxDiffReasons = 5

// Diff lists what changed from old to cur (whole configs, header line
// stripped) that the stats socket cannot apply and applied does not
// cover. The socket applies a server leaving (disable) and a server's
// "disabled" flag flipping (enable/disable), and keeps doing so for a
// server moving within its backend (the shuffle); anything else needs
// HAProxy to read the new file. This replaces the original's comparison
// of each service's map with the state-file copy, which forced a reload
// on every update without a state file (docs/compatibility.md).
func Diff(old, cur string, applied Applied) []Reason {
	oldRest, oldServers := splitServers(old)
	curRest, curServers := splitServers(cur)
	var out []Reason
	if oldRest != curRest {
		out = append(out, Reason{ConfigChanged, "lines other than server lines changed"})
	}
	// Keyed by the entry itself: a key string per server line was 50,000
	// concatenations per update at scale.
	known := make(map[serverEntry]bool, len(oldServers))
	for _, s := range oldServers {
		known[s] = true
	}
	added := 0
	for _, s := range curServers {
		if known[s] || s.applied(applied) {
			continue
		}
		if added++; added <= maxDiffReasons {
			out = append(out, Reason{NewServer,
				fmt.Sprintf("server line added or changed in %s: %s", s.section, serverField(s.line))})
		}
	}
	return out
}

// serverEntry is one "\tserver ..." line with its section title and
// without its " disabled" flag.
type serverEntry struct {
	section, line string
}

func (s serverEntry) applied(a Applied) bool {
	backend, ok := strings.CutPrefix(s.section, "backend ")
	if !ok || len(a) == 0 {
		return false
	}
	return a.Runs(Ref{backend, serverField(s.line)}, strings.TrimPrefix(s.line, "\t"))
}

// splitServers separates the server lines from the rest of a config.
func splitServers(text string) (rest string, servers []serverEntry) {
	var b strings.Builder
	servers = make([]serverEntry, 0, strings.Count(text, "\n\tserver "))
	section := ""
	for line := range strings.SplitSeq(text, "\n") {
		switch {
		case strings.HasPrefix(line, "\tserver "):
			servers = append(servers, serverEntry{section, strings.TrimSuffix(line, " disabled")})
			continue
		case line != "" && line[0] != '\t' && line[0] != ' ':
			section = line
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String(), servers
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
	var out []Reason
	for _, name := range sortedKeys(cur) {
		if prev[name] == nil {
			continue
		}
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
