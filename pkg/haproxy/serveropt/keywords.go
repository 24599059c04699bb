package serveropt

import "strconv"

// version is an HAProxy major.minor release.
type version struct{ major, minor int }

func (v version) String() string { return strconv.Itoa(v.major) + "." + strconv.Itoa(v.minor) }

func (v version) after(w version) bool {
	return v.major > w.major || (v.major == w.major && v.minor > w.minor)
}

// oldest is the oldest HAProxy the options must suit: a keyword newer than
// it is refused, so one haproxy.cfg works on every supported version. To
// admit newer ones on a newer HAProxy, gate on keyword.since instead.
var oldest = version{2, 4}

// keyword is one allowed server keyword.
type keyword struct {
	// since is the first x.y.0 release whose server keyword table lists the
	// keyword; older releases may parse it elsewhere, so it is an upper
	// bound of when the keyword appeared, safe for gating.
	since version
	arg   *shape // nil for a flag
	// http: the keyword needs a mode http backend (HAProxy refuses it, or
	// alerts, in mode tcp). httpArg: only this argument value does.
	http    bool
	httpArg string
	// needs names a keyword that must come too, because HAProxy refuses
	// this one alone whatever the rest of the backend says.
	needs, needsWhy string
}

func flag(since version) keyword { return keyword{since: since} }

func with(since version, s *shape) keyword { return keyword{since: since, arg: s} }

var (
	v17 = version{1, 7}
	v18 = version{1, 8}
	v19 = version{1, 9}
	v20 = version{2, 0}
	v21 = version{2, 1}
	v22 = version{2, 2}
	v24 = version{2, 4}
	v26 = version{2, 6}
	v28 = version{2, 8}
)

// keywords is the allow-list, checked against the server keyword tables of
// HAProxy 2.4.0, 2.6.0 and 2.8.0 (none of these was removed by 2.8) and
// against haproxy -c on 2.6. Bounds follow what HAProxy refuses (rise 0,
// inter 0, weight 257, id 0) and are sometimes narrower (HAProxy takes
// port 0 and ids past 2^31 silently wrap). Keywords left out on purpose are
// in excluded.
var keywords = map[string]keyword{
	// Health checks.
	"check":               flag(v18),
	"no-check":            flag(v18),
	"inter":               with(v22, timeShape(1)),
	"fastinter":           with(v22, timeShape(1)),
	"downinter":           with(v22, timeShape(1)),
	"rise":                with(v22, intShape(1, maxInt)),
	"fall":                with(v22, intShape(1, maxInt)),
	"port":                with(v22, intShape(1, 65535)),
	"addr":                with(v18, addrShape),
	"error-limit":         with(v24, intShape(1, maxInt)),
	"observe":             {since: v18, arg: enumShape("none", "layer4", "layer7"), httpArg: "layer7"},
	"on-error":            with(v24, enumShape("fastinter", "fail-check", "sudden-death", "mark-down")),
	"on-marked-down":      with(v24, enumShape("shutdown-sessions")),
	"on-marked-up":        with(v24, enumShape("shutdown-backup-sessions")),
	"check-send-proxy":    flag(v18),
	"no-check-send-proxy": flag(v18),
	"check-ssl":           {since: v17, needs: "verify", needsWhy: needsVerify},
	"no-check-ssl":        flag(v18),
	"check-sni":           with(v18, hostShape),
	"check-alpn":          with(v20, alpnShape),

	// Agent checks.
	"agent-check":    {since: v18, needs: "agent-port", needsWhy: "HAProxy refuses an agent check without a port"},
	"no-agent-check": flag(v18),
	"agent-port":     with(v22, intShape(1, 65535)),
	"agent-inter":    with(v22, timeShape(1)),
	"agent-addr":     with(v22, ipShape),
	"agent-send":     with(v22, tokenShape),

	// Load balancing and state.
	"weight":    with(v24, intShape(0, 256)),
	"id":        with(v17, intShape(1, maxInt)), // unique per backend: the caller's job
	"maxconn":   with(v24, intShape(0, maxInt)),
	"minconn":   with(v24, intShape(0, maxInt)),
	"maxqueue":  with(v24, intShape(0, maxInt)),
	"slowstart": with(v24, timeShape(0)),
	"backup":    flag(v18),
	"no-backup": flag(v18),
	"disabled":  flag(v18),
	"enabled":   flag(v18),
	"cookie":    with(v18, tokenShape), // ignored, with a warning, in mode tcp
	"stick":     flag(v18),
	"non-stick": flag(v18),
	"redir":     {since: v18, arg: redirShape, http: true},
	"init-addr": with(v24, initAddrShape),

	// Connections.
	"send-proxy":              flag(v18),
	"no-send-proxy":           flag(v18),
	"send-proxy-v2":           flag(v18),
	"no-send-proxy-v2":        flag(v18),
	"send-proxy-v2-ssl":       flag(v17),
	"no-send-proxy-v2-ssl":    flag(v18),
	"send-proxy-v2-ssl-cn":    flag(v17),
	"no-send-proxy-v2-ssl-cn": flag(v18),
	"proxy-v2-options":        with(v19, listShape("proxy-v2 options", "ssl", "cert-cn", "ssl-cipher", "cert-sig", "cert-key", "authority", "crc32c", "unique-id")),
	"proto":                   {since: v19, arg: enumShape("h1", "h2"), http: true},
	"tfo":                     flag(v20), // valid, with a warning about retry-on
	"no-tfo":                  flag(v21),
	"max-reuse":               with(v20, intShape(-1, maxInt)),
	"pool-max-conn":           with(v19, intShape(-1, maxInt)),
	"pool-low-conn":           with(v22, intShape(0, maxInt)),
	"pool-purge-delay":        with(v19, timeShape(0)),

	// TLS to the server. HAProxy verifies server certificates by default and
	// refuses ssl without a CA file, so only "verify none" is admitted and
	// ssl and check-ssl require it.
	"ssl":            {since: v17, needs: "verify", needsWhy: needsVerify},
	"no-ssl":         flag(v18),
	"verify":         with(v17, enumShape("none")),
	"verifyhost":     with(v17, hostShape),
	"alpn":           with(v19, alpnShape),
	"allow-0rtt":     flag(v18),
	"ssl-reuse":      flag(v18),
	"no-ssl-reuse":   flag(v17),
	"tls-tickets":    flag(v18),
	"no-tls-tickets": flag(v17),

	// Newer than the oldest supported HAProxy: known, so the error says why,
	// and refused until the caller can gate on the running version.
	"ws":    with(v26, enumShape("auto", "h1", "h2")),
	"shard": with(v28, intShape(0, maxInt)),
}

// staticOnly are allowed keywords that HAProxy 2.6 to 2.8 refuse on the
// runtime API's "add server" (dynamic_ok = 0 in their keyword tables).
// HAProxy 2.4 refuses many more there, most health-check and TLS keywords
// among them.
var staticOnly = map[string]bool{
	"cookie": true, "init-addr": true, "max-reuse": true, "non-stick": true, "redir": true,
	"stick": true, "no-agent-check": true, "no-check": true, "no-check-send-proxy": true,
	"no-check-ssl": true, "no-send-proxy-v2-ssl": true, "no-send-proxy-v2-ssl-cn": true,
	"no-ssl": true, "ssl-reuse": true,
}

// excluded are server keywords HAProxy knows that the allow-list leaves
// out, with the reason, which the error gives instead of "unknown".
var excluded = map[string]string{}

func init() {
	for reason, names := range map[string][]string{
		"names a file on the HAProxy host":                       {"ca-file", "crt", "crl-file"},
		"refers to another section, server or network namespace": {"track", "resolvers", "namespace"},
		"only matters with resolvers, which are left out":        {"resolve-net", "resolve-opts", "resolve-prefer"},
		"takes a sample expression":                              {"sni"},
		"needs a local address and privileges":                   {"source", "usesrc"},
		"sends traffic through a proxy the service does not run": {"socks4", "check-via-socks4"},
		"depends on the OpenSSL build":                           {"ciphers", "ciphersuites", "npn"},
		"can disable every TLS version, which HAProxy refuses":   {"ssl-min-ver", "ssl-max-ver", "force-sslv3", "force-tlsv10", "force-tlsv11", "force-tlsv12", "force-tlsv13", "no-sslv3", "no-tlsv10", "no-tlsv11", "no-tlsv12", "no-tlsv13"},
		"is refused unless it matches the backend's check type":  {"check-proto"},
		"is meant for ring sections":                             {"log-proto"},
		"exists only where the OS has TCP_USER_TIMEOUT":          {"tcp-ut"},
		"names a format HAProxy 2.4 lacks":                       {"set-proxy-v2-tlv-fmt"},
	} {
		for _, n := range names {
			excluded[n] = "is left out of the allow-list: it " + reason
		}
	}
}

const needsVerify = `HAProxy refuses it without a CA file unless "verify none" is set`
