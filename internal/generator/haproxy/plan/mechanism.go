package plan

import (
	"slices"
	"strings"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// Mechanism is how a backend's membership changes reach HAProxy.
type Mechanism string

const (
	// Reload is the original's path: servers HAProxy already runs are
	// enabled and disabled, anything new waits for a reload.
	Reload Mechanism = "reload"
	// Dynamic adds and deletes servers with the runtime API.
	Dynamic Mechanism = "dynamic"
	// Slots fills and empties pre-allocated slot servers with "set
	// server": no server is added or deleted, so it works on any balance
	// algorithm and keeps cookie and default-server.
	Slots Mechanism = "slots"
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

// Refusal says why a backend cannot take dynamic servers, "" when it can.
// defaults are the defaults section's lines.
func Refusal(b *stanza.Backend, defaults []string) string {
	if r := StaticBalance(append(slices.Clone(defaults), b.Lines...)); r != "" {
		return r
	}
	for _, l := range append(slices.Clone(defaults), b.Lines...) {
		if strings.HasPrefix(l, "default-server") {
			// Dynamic servers do not inherit it: the added server would
			// differ from the same line read after a reload.
			return "default-server options are not inherited by dynamic servers"
		}
	}
	for _, name := range b.Order {
		if r := serverRefusal(name, b.Servers[name]); r != "" {
			return r
		}
	}
	return ""
}

// serverRefusal says why server s, named name, cannot be a dynamic
// server, "" when it can.
func serverRefusal(name string, s stanza.Server) string {
	if _, ok := s.Option("id"); !ok {
		return "server " + name + " has no id"
	}
	if k, ok := s.HasAny(dynamicKeywords); ok {
		return "server option " + k + " is refused on dynamic servers"
	}
	return ""
}

// StaticBalance names a static LB algorithm among lines (the last
// balance and hash-type win, as in HAProxy), "" for a dynamic one.
func StaticBalance(lines []string) string {
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

// Capable reports whether an HAProxy of version v can add servers, and
// whether it needs "experimental-mode on" for that (2.4 and 2.5).
func Capable(v hapi.Version) (ok, experimental bool) {
	switch {
	case v.AtLeast(2, 6):
		return true, false
	case v.AtLeast(2, 4):
		return true, true
	}
	return false, false
}

// ForVersion returns want as an HAProxy of version v can apply it: one
// older than 2.4 (or whose version is unknown, zero) gets the reload path
// for dynamic backends. Slots only need "set server addr", which old
// HAProxy has.
func ForVersion(want Wants, v hapi.Version) Wants {
	dynamic := false
	for _, d := range want {
		dynamic = dynamic || d.Mech == Dynamic
	}
	if ok, _ := Capable(v); !dynamic || ok {
		return want
	}
	out := make(Wants, len(want))
	for name, d := range want {
		legacy := *d
		if d.Mech == Dynamic {
			legacy.Mech = Reload
		}
		out[name] = &legacy
	}
	return out
}
