package render

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// Backend is one server of a service as the generator sees it: the
// registration record, plus the haproxy_server_id that default_servers and
// the state file can carry (ZooKeeper registrations never do: the watcher
// drops it).
type Backend struct {
	registration.Backend
	// ServerID is haproxy_server_id; 0 means none.
	ServerID int
}

// ServerName is the original's construct_name: "<host>:<port>", prefixed
// with "<name>_" when the backend has a non-empty string name. HAProxy
// takes only [A-Za-z0-9._:-] in a name, and a registration's name may
// hold anything, so a name with other bytes is rewritten by safeName.
func ServerName(b registration.Backend) string {
	name := b.Host + ":" + b.Port.String()
	if n, ok := b.Name.AsString(); ok && n != "" {
		name = n + "_" + name
	}
	return safeName(name)
}

// maxServerName bounds a server name: a registration's name has no
// length limit, and every runtime command and stats line carries it.
const maxServerName = 200

// safeName returns s when every byte is a server-name character and it is
// at most maxServerName long (the usual case, so the names the original
// writes stay byte for byte). Otherwise each other character becomes '_',
// the result is cut to leave room, and "-" plus the FNV-1a hash of s in 8
// hex digits is appended: "a b;c_10.0.0.1:80" and "a;b c_..." both
// replace to "a_b_c_..." and the hash keeps them apart, the same on every
// render and on every host.
func safeName(s string) string {
	i := 0
	for i < len(s) && nameChar(s[i]) {
		i++
	}
	if i == len(s) && len(s) <= maxServerName {
		return s
	}
	var b strings.Builder
	b.Grow(min(len(s), maxServerName))
	b.WriteString(s[:min(i, maxServerName-9)])
	for _, r := range s[i:] {
		if b.Len() >= maxServerName-9 {
			break
		}
		if r < utf8.RuneSelf && nameChar(byte(r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	h := fnv.New32a()
	h.Write([]byte(s))
	fmt.Fprintf(&b, "-%08x", h.Sum32())
	return b.String()
}

func nameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '.' || c == '_' || c == ':' || c == '-'
}

// CookieValue is the cookie of a server line: the server name, or its
// lower-case hex SHA-1 with cookie_value_method "hash" (so the cookie does
// not reveal the topology).
func CookieValue(method, server string) string {
	if method == "hash" {
		sum := sha1.Sum([]byte(server))
		return hex.EncodeToString(sum[:])
	}
	return server
}

// lineSpec is everything a server line is made from.
type lineSpec struct {
	service string
	server  string
	backend Backend
	enabled bool
	id      int
	hasID   bool
	// dropOptID leaves out an "id N" of haproxy_server_options: another
	// server has that id, or (slots) the slot's id is the server's.
	dropOptID bool
	tcpMode   bool // the backend lines hold exactly "mode tcp": no cookie
	cookie    string
	options   string // the service's server_options
	noOptions bool   // server_options is not a string: neither it nor its space
	useNerve  bool   // top-level use_nerve_weights
}

// serverLine builds one "\tserver ..." line in the original's token order:
// name, address, id, cookie, options, weight, disabled.
func serverLine(s lineSpec) (line string, warnings []string, err error) {
	b := "\tserver " + s.server + " " + s.backend.Host + ":" + s.backend.Port.String()
	hso, hsoOK := s.backend.HAProxyServerOptions.AsString()
	if s.dropOptID && hsoOK {
		hso = withoutID(hso)
	}
	if s.hasID && !(hsoOK && hasToken(hso, "id")) {
		b += " id " + strconv.Itoa(s.id)
	}
	if !s.tcpMode {
		b += " cookie " + CookieValue(s.cookie, s.server)
	}
	vars := templateVars{host: s.backend.Host, port: s.backend.Port.String(), name: s.server}
	if w, ok := s.backend.WeightInt(); s.useNerve && ok {
		b, warnings, err = appendWeighted(b, s, hso, hsoOK, w, vars)
	} else {
		b, err = appendOptions(b, s, hso, hsoOK, vars)
	}
	if err != nil {
		return "", nil, err
	}
	if !s.enabled {
		b += " disabled"
	}
	return b, warnings, nil
}

func appendOptions(b string, s lineSpec, hso string, hsoOK bool, vars templateVars) (string, error) {
	if !s.noOptions {
		so, err := expand(s.options, vars)
		if err != nil {
			return "", fmt.Errorf("service %s: server_options %q: %w", s.service, s.options, err)
		}
		b += " " + so
	}
	if hsoOK {
		h, err := expand(hso, vars)
		if err != nil {
			return "", fmt.Errorf("service %s: haproxy_server_options %q of server %s: %w", s.service, hso, s.server, err)
		}
		b += " " + h
	}
	return b, nil
}

// weightOption is what the original strips from the options when the nerve
// weight wins: the first "weight <digits>", anywhere.
var weightOption = regexp.MustCompile(`weight +[0-9]+`)

func appendWeighted(b string, s lineSpec, hso string, hsoOK bool, w int, vars templateVars) (string, []string, error) {
	var warnings []string
	s.options, warnings = stripWeight(s.options, "server_options", warnings)
	if hsoOK {
		hso, warnings = stripWeight(hso, "haproxy_server_options", warnings)
	}
	b, err := appendOptions(b, s, hso, hsoOK, vars)
	if err != nil {
		return "", nil, err
	}
	b += " weight " + strconv.Itoa(w)
	return squeezeSpaces(b), warnings, nil
}

func stripWeight(opts, key string, warnings []string) (string, []string) {
	loc := weightOption.FindStringIndex(opts)
	if loc == nil {
		return opts, warnings
	}
	msg := fmt.Sprintf("weight is defined in both %s and nerve. nerve weight will take precedence", key)
	return opts[:loc[0]] + opts[loc[1]:], append(warnings, msg)
}

// squeezeSpaces is Ruby's squeeze(" "): runs of spaces (not TABs) become one.
func squeezeSpaces(s string) string {
	if !strings.Contains(s, "  ") {
		return s // the usual case: no copy (this runs for every server line)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' && i > 0 && s[i-1] == ' ' {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// hasToken reports whether tok is one of the whitespace-separated words of
// s (Ruby's split(' ')).
func hasToken(s, tok string) bool {
	for _, f := range strings.Fields(s) {
		if f == tok {
			return true
		}
	}
	return false
}

// optionsID is the id an "id N" token in haproxy_server_options sets, with
// Ruby's to_i: leading digits, else 0 (also when "id" is the last word).
func optionsID(hso string) (int, bool) {
	f := strings.Fields(hso)
	for i, w := range f {
		if w != "id" {
			continue
		}
		if i+1 == len(f) {
			return 0, true
		}
		return rubyToI(f[i+1]), true
	}
	return 0, false
}

func rubyToI(s string) int {
	end := 0
	if end < len(s) && (s[end] == '-' || s[end] == '+') {
		end++
	}
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(s[:end])
	if err != nil {
		return 0
	}
	return n
}

// withoutID drops every "id N" pair from an option string (an id that
// collides with another server's, see idAllocator.pin).
func withoutID(hso string) string {
	f := strings.Fields(hso)
	out := f[:0]
	for i := 0; i < len(f); i++ {
		if f[i] == "id" {
			i++
			continue
		}
		out = append(out, f[i])
	}
	return strings.Join(out, " ")
}
