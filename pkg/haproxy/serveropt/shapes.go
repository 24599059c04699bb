package serveropt

import (
	"net/netip"
	"strconv"
	"strings"
)

const maxInt = 1<<31 - 1

// shape is what a keyword's argument must look like; want describes it in
// an error ("an integer 0-256").
type shape struct {
	want string
	ok   func(string) bool
}

// isSafe reports whether c may appear in a token: nothing HAProxy's config
// or CLI parser gives a meaning (quotes, '\', '#', ';', '$', '%', '<').
func isSafe(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("._:/+=,@-", c) >= 0
}

func allSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isSafe(s[i]) {
			return false
		}
	}
	return s != ""
}

// parseInt reads an optional '-' and at most 10 digits, as HAProxy's atoi
// would, without its silent wrap-around.
func parseInt(s string) (int64, bool) {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || len(digits) > 10 || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func intShape(lo, hi int64) *shape {
	want := "an integer " + strconv.FormatInt(lo, 10) + "-" + strconv.FormatInt(hi, 10)
	return &shape{want: want, ok: func(s string) bool {
		n, ok := parseInt(s)
		return ok && lo <= n && n <= hi
	}}
}

// timeUnits are HAProxy's time units in microseconds; no unit means ms.
var timeUnits = map[string]int64{"us": 1, "ms": 1e3, "": 1e3, "s": 1e6, "m": 60e6, "h": 3600e6, "d": 86400e6}

// timeShape is HAProxy's time format: digits and an optional unit, at most
// 2^31-1 ms (HAProxy refuses more as a timer overflow), at least minMS ms
// (inter 0 is refused; HAProxy rounds 1us up to 1ms).
func timeShape(minMS int64) *shape {
	want := "a time (digits and us, ms, s, m, h or d) up to 24d"
	if minMS > 0 {
		want = "a non-zero time (digits and us, ms, s, m, h or d) up to 24d"
	}
	return &shape{want: want, ok: func(s string) bool {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		unit, ok := timeUnits[s[i:]]
		if !ok || i == 0 || i > 10 {
			return false
		}
		n, _ := strconv.ParseInt(s[:i], 10, 64)
		us := n * unit // at most 9999999999 * 86400e6 < 2^63
		ms := (us + 999) / 1000
		return ms >= minMS && ms <= maxInt
	}}
}

func enumShape(values ...string) *shape {
	return &shape{want: "one of " + strings.Join(values, ", "), ok: func(s string) bool {
		for _, v := range values {
			if s == v {
				return true
			}
		}
		return false
	}}
}

// listShape is a comma-separated list of values, each from the list.
func listShape(what string, values ...string) *shape {
	one := enumShape(values...)
	return &shape{want: "a comma-separated list of " + what + " (" + strings.Join(values, ", ") + ")", ok: func(s string) bool {
		for v := range strings.SplitSeq(s, ",") {
			if !one.ok(v) {
				return false
			}
		}
		return true
	}}
}

// ipShape is an IPv4 or IPv6 literal without port or zone.
var ipShape = &shape{want: "an IPv4 or IPv6 address", ok: isIP}

func isIP(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Zone() == "" && allSafe(s)
}

// addrShape is "addr"'s argument. HAProxy reads a port after the last ':',
// so an IPv6 address needs one ("::1:80"); a lone IPv6 is refused, as
// HAProxy refuses it.
var addrShape = &shape{want: "an IPv4 address, IPv4:port or IPv6:port", ok: func(s string) bool {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		a, err := netip.ParseAddr(s)
		return err == nil && a.Is4() && allSafe(s)
	}
	n, ok := parseInt(s[i+1:])
	return isIP(s[:i]) && ok && 1 <= n && n <= 65535
}}

// initAddrShape is "init-addr"'s comma-separated methods: last, libc, none
// and one IP literal (HAProxy refuses a second), each at most once (so the
// list stays within HAProxy's ten slots).
var initAddrShape = &shape{want: "a comma-separated list of last, libc, none and one IP address", ok: func(s string) bool {
	seen := map[string]bool{}
	for m := range strings.SplitSeq(s, ",") {
		kind := m
		if m != "last" && m != "libc" && m != "none" {
			if !isIP(m) {
				return false
			}
			kind = "ip"
		}
		if seen[kind] {
			return false
		}
		seen[kind] = true
	}
	return true
}}

// hostShape is a literal DNS name (RFC 1123 labels), as check-sni and
// verifyhost send or compare it.
var hostShape = &shape{want: "a host name", ok: isHostname}

func isHostname(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// tokenShape is free text from the safe set, for cookie values and the
// agent-send string.
var tokenShape = &shape{want: "1-255 characters from [A-Za-z0-9._:/+=,@-]", ok: func(s string) bool {
	return len(s) <= 255 && allSafe(s)
}}

// alpnShape is a comma-separated list of protocol names ("h2,http/1.1").
var alpnShape = &shape{want: "a comma-separated list of protocol names such as h2,http/1.1", ok: func(s string) bool {
	for p := range strings.SplitSeq(s, ",") {
		if p == "" || len(p) > 255 || strings.ContainsAny(p, ":+=@") || !allSafe(p) {
			return false
		}
	}
	return true
}}

// redirShape is a redirection prefix: http:// or https:// and safe text.
var redirShape = &shape{want: "http:// or https:// and a host, from [A-Za-z0-9._:/+=,@-]", ok: func(s string) bool {
	rest, ok := strings.CutPrefix(s, "http://")
	if !ok {
		rest, ok = strings.CutPrefix(s, "https://")
	}
	return ok && rest != "" && len(s) <= 255 && allSafe(rest)
}}
