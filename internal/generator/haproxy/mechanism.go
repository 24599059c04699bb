package haproxy

import (
	"slices"
	"strconv"
	"strings"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// Values of dynamic_servers.
const (
	DynamicAuto = "auto"
	DynamicOff  = "off"
)

// mechanism is how a backend's membership changes reach HAProxy.
type mechanism string

const (
	// mechReload is the original's path: servers HAProxy already runs are
	// enabled and disabled, anything new waits for a reload.
	mechReload mechanism = "reload"
	// mechDynamic adds and deletes servers with the runtime API.
	mechDynamic mechanism = "dynamic"
)

// dynamicKeywords are server keywords HAProxy 2.6 refuses on "add server"
// (dynamic_ok = 0 in src/server.c), or that we refuse because the result
// could differ from the same line read from haproxy.cfg ("track" of a
// dynamic server is refused, and a tracked server cannot be deleted).
// The second line is the rest of what 2.6 to 2.8 refuse there among the
// keywords a registration's haproxy_server_options may carry
// (serveropt.Options.StaticOnly), so such a server is added by a reload
// rather than by a command HAProxy answers with an error.
var dynamicKeywords = []string{
	"cookie", "resolvers", "resolve-prefer", "resolve-net", "resolve-opts",
	"init-addr", "namespace", "non-stick", "redir", "track",
	"max-reuse", "stick", "no-agent-check", "no-check", "no-check-send-proxy", "no-check-ssl",
	"no-send-proxy-v2-ssl", "no-send-proxy-v2-ssl-cn", "no-ssl", "ssl-reuse",
}

// staticHashes are the balance algorithms that use a map (static) unless
// "hash-type consistent" is set.
var staticHashes = []string{"source", "uri", "url_param", "hdr", "rdp-cookie", "hash"}

// renderedServer is one server line of a generated config.
type renderedServer struct {
	name string
	line string   // without the leading TAB
	args []string // after the name, without "disabled"
	live bool     // no "disabled" flag
}

// renderedBackend is one backend stanza of a generated config.
type renderedBackend struct {
	lines   []string // non-server lines, TABs removed
	servers map[string]renderedServer
	order   []string
	// slots is pool(), once poolRead. Callers never modify a pool.
	slots    *slotPool
	poolRead bool
	// refusal is dynamicRefusal's answer, once refusalRead: stanzas live
	// as long as the render memo keeps them, and a generator's defaults
	// never change.
	refusal     string
	refusalRead bool
}

// parseBackends reads the backend stanzas of a generated config.
func parseBackends(text string) map[string]*renderedBackend {
	out := map[string]*renderedBackend{}
	var cur *renderedBackend
	for line := range strings.SplitSeq(text, "\n") {
		switch {
		case strings.HasPrefix(line, "backend "):
			cur = &renderedBackend{servers: map[string]renderedServer{}}
			out[strings.TrimPrefix(line, "backend ")] = cur
		case line != "" && line[0] != '\t' && line[0] != ' ':
			cur = nil
		case cur == nil || strings.TrimSpace(line) == "":
		case strings.HasPrefix(line, "\tserver "):
			s := parseServerLine(strings.TrimPrefix(line, "\t"))
			cur.servers[s.name] = s
			cur.order = append(cur.order, s.name)
		default:
			cur.lines = append(cur.lines, strings.TrimSpace(line))
		}
	}
	return out
}

func parseServerLine(line string) renderedServer {
	f := strings.Fields(line)
	s := renderedServer{line: line, live: true}
	if len(f) > 1 {
		s.name = f[1]
	}
	// args reuses f's array: a config is parsed whole on every update,
	// and a new slice per server line was 50,000 of them at scale.
	rest := f[min(2, len(f)):]
	s.args = rest[:0]
	for _, w := range rest {
		if w == "disabled" {
			s.live = false
			continue
		}
		s.args = append(s.args, w)
	}
	return s
}

// option returns the word after keyword in args.
func option(args []string, keyword string) (string, bool) {
	i := slices.Index(args, keyword)
	if i < 0 || i+1 >= len(args) {
		return "", false
	}
	return args[i+1], true
}

// weightOf is a server's configured weight, HAProxy's default 1 without one.
func (s renderedServer) weightOf() int {
	if w, ok := option(s.args, "weight"); ok {
		if n, err := strconv.Atoi(w); err == nil {
			return n
		}
	}
	return 1
}

// withoutWeight is the line with any "weight N" pair and "disabled" removed.
func (s renderedServer) withoutWeight() string {
	var out []string
	for i := 0; i < len(s.args); i++ {
		if s.args[i] == "weight" && i+1 < len(s.args) {
			i++
			continue
		}
		out = append(out, s.args[i])
	}
	return s.name + " " + strings.Join(out, " ")
}

// dynamicRefusal says why a backend cannot take dynamic servers, "" when it
// can. defaults are the defaults section's lines.
func (b *renderedBackend) dynamicRefusal(defaults []string) string {
	if !b.refusalRead {
		b.refusal, b.refusalRead = b.readRefusal(defaults), true
	}
	return b.refusal
}

func (b *renderedBackend) readRefusal(defaults []string) string {
	if r := staticBalance(append(slices.Clone(defaults), b.lines...)); r != "" {
		return r
	}
	for _, l := range append(slices.Clone(defaults), b.lines...) {
		if strings.HasPrefix(l, "default-server") {
			// Dynamic servers do not inherit it: the added server would
			// differ from the same line read after a reload.
			return "default-server options are not inherited by dynamic servers"
		}
	}
	for _, name := range b.order {
		s := b.servers[name]
		if _, ok := option(s.args, "id"); !ok {
			return "server " + name + " has no id"
		}
		for _, k := range dynamicKeywords {
			if slices.Contains(s.args, k) {
				return "server option " + k + " is refused on dynamic servers"
			}
		}
	}
	return ""
}

// staticBalance names a static LB algorithm among lines (the last
// balance and hash-type win, as in HAProxy), "" for a dynamic one.
func staticBalance(lines []string) string {
	algo, consistent := "roundrobin", false
	for _, l := range lines {
		f := strings.Fields(l)
		switch {
		case len(f) > 1 && f[0] == "balance":
			algo = f[1]
		case len(f) > 1 && f[0] == "hash-type":
			consistent = f[1] == "consistent"
		}
	}
	base, _, _ := strings.Cut(algo, "(")
	switch {
	case base == "static-rr":
		return "balance static-rr is a static algorithm"
	case slices.Contains(staticHashes, base) && !consistent:
		return "balance " + base + " without hash-type consistent is a static algorithm"
	}
	return ""
}

// dynamicCapable reports whether an HAProxy of version v can add servers,
// and whether it needs "experimental-mode on" for that (2.4 and 2.5).
func dynamicCapable(v hapi.Version) (ok, experimental bool) {
	switch {
	case v.AtLeast(2, 6):
		return true, false
	case v.AtLeast(2, 4):
		return true, true
	}
	return false, false
}
