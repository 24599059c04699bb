package render

import (
	"fmt"
	"strings"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/modernize"
)

// The original's allow-lists (SECTION_FIELDS, from the HAProxy 1.5 and 1.6
// manuals), without its three duplicate entries. A line belongs to a
// section when its normalised form starts with one of these, as a plain
// string prefix: "log" also admits "log-format" in a backend.
var frontendFields15 = []string{
	"acl", "backlog", "bind", "bind-process", "block", "capture cookie", "capture request header",
	"capture response header", "clitimeout", "compression", "declare capture", "default_backend",
	"description", "disabled", "email-alert from", "email-alert level", "email-alert mailers",
	"email-alert myhostname", "email-alert to", "enabled", "errorfile", "errorloc", "errorloc302",
	"errorloc303", "force-persist", "grace", "http-request", "http-response", "id", "ignore-persist",
	"log", "log-format", "log-format-sd", "log-tag", "maxconn", "mode", "monitor fail", "monitor-net",
	"monitor-uri", "no log", "no option accept-invalid-http-request", "no option clitcpka",
	"no option contstats", "no option dontlog-normal", "no option dontlognull",
	"no option forceclose", "no option forwardfor", "no option http-buffer-request",
	"no option http-ignore-probes", "no option http-keep-alive", "no option http-no-delay",
	"no option http-pretend-keepalive", "no option http-server-close", "no option http-tunnel",
	"no option http-use-proxy-header", "no option httpclose", "no option httplog",
	"no option http_proxy", "no option independent-streams", "no option log-separate-errors",
	"no option logasap", "no option nolinger", "no option originalto", "no option socket-stats",
	"no option splice-auto", "no option splice-request", "no option splice-response",
	"no option tcp-smart-accept", "no option tcpka", "no option tcplog",
	"option accept-invalid-http-request", "option clitcpka", "option contstats",
	"option dontlog-normal", "option dontlognull", "option forceclose", "option forwardfor",
	"option http-buffer-request", "option http-ignore-probes", "option http-keep-alive",
	"option http-no-delay", "option http-pretend-keepalive", "option http-server-close",
	"option http-tunnel", "option http-use-proxy-header", "option httpclose", "option httplog",
	"option http_proxy", "option independent-streams", "option log-separate-errors", "option logasap",
	"option nolinger", "option originalto", "option socket-stats", "option splice-auto",
	"option splice-request", "option splice-response", "option tcp-smart-accept", "option tcpka",
	"option tcplog", "rate-limit sessions", "redirect", "reqadd", "reqallow", "reqdel", "reqdeny",
	"reqiallow", "reqidel", "reqideny", "reqipass", "reqirep", "reqisetbe", "reqitarpit", "reqpass",
	"reqrep", "reqsetbe", "reqtarpit", "rspadd", "rspdel", "rspdeny", "rspidel", "rspideny",
	"rspirep", "rsprep", "stats admin", "stats auth", "stats enable", "stats hide-version",
	"stats http-request", "stats realm", "stats refresh", "stats scope", "stats show-desc",
	"stats show-legends", "stats show-node", "stats uri", "tcp-request connection",
	"tcp-request content", "tcp-request inspect-delay", "timeout client", "timeout client-fin",
	"timeout clitimeout", "timeout http-keep-alive", "timeout http-request", "timeout tarpit",
	"unique-id-format", "unique-id-header", "use_backend",
}

// backendFields15 is the original backend list.
var backendFields15 = []string{
	"acl", "appsession", "balance", "bind-process", "block", "compression", "contimeout", "cookie",
	"default-server", "description", "disabled", "dispatch", "email-alert from", "email-alert level",
	"email-alert mailers", "email-alert myhostname", "email-alert to", "enabled", "errorfile",
	"errorloc", "errorloc302", "errorloc303", "force-persist", "fullconn", "grace", "hash-type",
	"http-check disable-on-404", "http-check expect", "http-check send-state", "http-request",
	"http-response", "http-send-name-header", "http-reuse", "id", "ignore-persist",
	"load-server-state-from-file", "log", "log-tag", "max-keep-alive-queue", "mode", "no log",
	"no option abortonclose", "no option accept-invalid-http-response", "no option allbackups",
	"no option allredisp", "no option checkcache", "no option forceclose", "no option forwardfor",
	"no option http-buffer-request", "no option http-keep-alive", "no option http-no-delay",
	"no option http-pretend-keepalive", "no option http-server-close", "no option http-tunnel",
	"no option httpchk", "no option httpclose", "no option httplog", "no option http_proxy",
	"no option independent-streams", "no option lb-agent-chk", "no option ldap-check",
	"no option external-check", "no option log-health-checks", "no option mysql-check",
	"no option pgsql-check", "no option nolinger", "no option originalto", "no option persist",
	"no option prefer-last-server", "no option redispatch", "no option redis-check",
	"no option smtpchk", "no option splice-auto", "no option splice-request",
	"no option splice-response", "no option srvtcpka", "no option ssl-hello-chk",
	"no option tcp-check", "no option tcp-smart-connect", "no option tcpka", "no option tcplog",
	"no option transparent", "option abortonclose", "option accept-invalid-http-response",
	"option allbackups", "option allredisp", "option checkcache", "option forceclose",
	"option forwardfor", "option http-buffer-request", "option http-keep-alive",
	"option http-no-delay", "option http-pretend-keepalive", "option http-server-close",
	"option http-tunnel", "option httpchk", "option httpclose", "option httplog", "option http_proxy",
	"option independent-streams", "option lb-agent-chk", "option ldap-check", "option external-check",
	"option log-health-checks", "option mysql-check", "option pgsql-check", "option nolinger",
	"option originalto", "option persist", "option prefer-last-server", "option redispatch",
	"option redis-check", "option smtpchk", "option splice-auto", "option splice-request",
	"option splice-response", "option srvtcpka", "option ssl-hello-chk", "option tcp-check",
	"option tcp-smart-connect", "option tcpka", "option tcplog", "option transparent",
	"external-check command", "external-check path", "persist rdp-cookie", "redirect", "redisp",
	"redispatch", "reqadd", "reqallow", "reqdel", "reqdeny", "reqiallow", "reqidel", "reqideny",
	"reqipass", "reqirep", "reqisetbe", "reqitarpit", "reqpass", "reqrep", "reqsetbe", "reqtarpit",
	"retries", "rspadd", "rspdel", "rspdeny", "rspidel", "rspideny", "rspirep", "rsprep", "server",
	"server-state-file-name", "source", "srvtimeout", "stats admin", "stats auth", "stats enable",
	"stats hide-version", "stats http-request", "stats realm", "stats refresh", "stats scope",
	"stats show-desc", "stats show-legends", "stats show-node", "stats uri", "stick match",
	"stick on", "stick store-request", "stick store-response", "stick-table", "tcp-check connect",
	"tcp-check expect", "tcp-check send", "tcp-check send-binary", "tcp-request content",
	"tcp-request inspect-delay", "tcp-response content", "tcp-response inspect-delay",
	"timeout check", "timeout connect", "timeout contimeout", "timeout http-keep-alive",
	"timeout http-request", "timeout queue", "timeout server", "timeout server-fin",
	"timeout srvtimeout", "timeout tarpit", "timeout tunnel", "transparent", "use-server",
}

// Keywords HAProxy 2.x added to frontends and backends (the original's
// lists date from 1.5/1.6): the original drops them, which silently breaks modern configs.
// Checked with `haproxy -c` on 2.6, except `option forwarded` (2.8).
var frontendFields2x = []string{
	"error-log-format", "errorfiles", "filter", "http-after-response", "http-error",
	"max-session-srv-conns", "stick-table", "tcp-request session",
	"option http-restrict-req-hdr-names", "option idle-close-on-response", "option httpslog",
	"option h1-case-adjust-bogus-client", "option disable-h2-upgrade", "option forwarded",
	"no option idle-close-on-response", "no option httpslog", "no option h1-case-adjust-bogus-client",
	"no option disable-h2-upgrade", "no option forwarded",
}

var backendFields2x = []string{
	"dynamic-cookie-key", "errorfiles", "filter", "hash-balance-factor", "http-after-response",
	"http-check comment", "http-check connect", "http-check send", "http-check set-var",
	"http-check unset-var", "http-error", "retry-on", "server-template", "tcp-check comment",
	"tcp-check set-var", "tcp-check unset-var", "use-fcgi-app", "option http-restrict-req-hdr-names",
	"option h1-case-adjust-bogus-server", "option spop-check", "option forwarded",
	"no option h1-case-adjust-bogus-server", "no option spop-check", "no option forwarded",
}

// allowed maps a section to its prefixes: the original's and the 2.x ones.
var allowed = map[string][]string{
	"frontend": append(append([]string{}, frontendFields15...), frontendFields2x...),
	"backend":  append(append([]string{}, backendFields15...), backendFields2x...),
}

// Dropped is a line left out of a section because no allowed directive
// starts it.
type Dropped struct {
	// Service is the service name, "shared frontend" for the top-level
	// shared_frontend, "shared frontend section for <name>" for a service's.
	Service string
	// Section is "frontend" or "backend", or "listen" for a listen line
	// that fits neither (which the original drops without a word).
	Section string
	Line    string
}

// String is the original's warning, without its "synapse: " prefix.
func (d Dropped) String() string {
	return fmt.Sprintf("service %s contains invalid %s setting: '%s', discarding", d.Service, d.Section, d.Line)
}

// normalize is the form lines are matched in: stripped, whitespace runs
// collapsed to one space, lower case. Ruby's \s is ASCII whitespace only.
func normalize(line string) string {
	isSpace := func(r rune) bool { return strings.ContainsRune(" \t\n\v\f\r", r) }
	return strings.ToLower(strings.Join(strings.FieldsFunc(line, isSpace), " "))
}

// Allowed reports whether line may appear in section ("frontend" or
// "backend").
func Allowed(section, line string) bool {
	n := normalize(line)
	for _, p := range allowed[section] {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// SplitDirectives returns a service's frontend and backend lines: each
// section's own list followed by the listen lines allowed in it (one line
// may land in both), filtered by the allow-lists.
func SplitDirectives(service string, c *ServiceConfig) (frontend, backend []string, dropped []Dropped) {
	fe, be, dropped := splitSourced(service, c)
	return texts(fe), texts(be), dropped
}

// splitSourced is SplitDirectives with the config key of every line
// (services.<name>.haproxy.listen[2]), for the messages about it.
func splitSourced(service string, c *ServiceConfig) (frontend, backend []modernize.Line, dropped []Dropped) {
	base := config.KeyPath(config.KeyPath("services", service), "haproxy")
	var out [2][]modernize.Line
	for i, section := range []string{"frontend", "backend"} {
		own := c.Frontend
		if section == "backend" {
			own = c.Backend
		}
		lines := sourced(base+"."+section, own)
		for j, l := range c.Listen {
			if Allowed(section, l) {
				lines = append(lines, modernize.Line{Text: l, Where: config.IndexPath(base+".listen", j)})
			}
		}
		out[i] = []modernize.Line{}
		for _, l := range lines {
			if Allowed(section, l.Text) {
				out[i] = append(out[i], l)
			} else {
				dropped = append(dropped, Dropped{Service: service, Section: section, Line: l.Text})
			}
		}
	}
	for _, l := range c.Listen {
		if !Allowed("frontend", l) && !Allowed("backend", l) {
			dropped = append(dropped, Dropped{Service: service, Section: "listen", Line: l})
		}
	}
	return out[0], out[1], dropped
}

// sourced pairs lines with their keys: key[0], key[1]...
func sourced(key string, lines []string) []modernize.Line {
	out := make([]modernize.Line, len(lines))
	for i, l := range lines {
		out[i] = modernize.Line{Text: l, Where: config.IndexPath(key, i)}
	}
	return out
}

func texts(lines []modernize.Line) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.Text
	}
	return out
}
