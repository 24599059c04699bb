package haproxy

import (
	"fmt"
	"strings"
)

// maxDiffReasons bounds the server lines named in one diff.
const maxDiffReasons = 5

// reloadDiff lists what changed from old to cur (whole generated configs)
// that the stats socket cannot apply. It can apply a server leaving
// (disable) and a server's "disabled" flag flipping (enable/disable), and
// it keeps doing so for a server moving within its backend (the shuffle);
// anything else outside the header needs HAProxy to read the new file.
// This replaces the original's comparison of each service's map with the
// state-file copy, which forced a reload on every update without a state
// file (docs/compatibility.md).
func reloadDiff(old, cur string) []reloadReason { return reloadDiffExcept(old, cur, nil) }

// reloadDiffExcept is reloadDiff without the server lines in applied (by
// serverEntry key): those were applied through the runtime API.
func reloadDiffExcept(old, cur string, applied map[string]bool) []reloadReason {
	oldRest, oldServers := splitServers(StripHeader(old))
	curRest, curServers := splitServers(StripHeader(cur))
	var out []reloadReason
	if oldRest != curRest {
		out = append(out, reloadReason{reasonConfigChanged, "lines other than server lines changed"})
	}
	// Keyed by the entry itself: a key string per server line was 50,000
	// concatenations per update at scale; key() is built only for the few
	// lines that are new.
	known := make(map[serverEntry]bool, len(oldServers))
	for _, s := range oldServers {
		known[s] = true
	}
	added := 0
	for _, s := range curServers {
		if known[s] || applied[s.key()] {
			continue
		}
		if added++; added <= maxDiffReasons {
			out = append(out, reloadReason{reasonNewServer,
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

func (s serverEntry) key() string { return s.section + "\n" + s.line }

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
