package registration

import (
	"errors"
	"fmt"
	"net/netip"
	"unicode/utf8"
)

// MaxWeight is the largest server weight HAProxy accepts.
const MaxWeight = 256

// ErrInvalid marks a backend whose values could not be used as data: a
// host that is neither an IP literal nor a hostname, or a string carrying
// a control character.
var ErrInvalid = errors.New("invalid registration")

// InvalidError names the offending key and value of a rejected backend.
type InvalidError struct {
	// Key is the registration key: "host", "name", "labels" (with the
	// label key after a dot for a label value), "haproxy_server_options",
	// "port".
	Key string
	// Value is the offending value (a label key for a bad label key).
	Value string
	// Reason says what is wrong with it.
	Reason string
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("registration: invalid %q %q: %s", e.Key, e.Value, e.Reason)
}

// Field is the top-level registration key of Key ("labels" for a label),
// a short, bounded word fit for a metric label.
func (e *InvalidError) Field() string {
	for i := 0; i < len(e.Key); i++ {
		if e.Key[i] == '.' {
			return e.Key[:i]
		}
	}
	return e.Key
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// Validate checks that every value of b can be used as data in a proxy's
// config, a runtime command or a template without changing their syntax:
// host is an IP literal or an RFC 1123 hostname, the port is an integer
// 0-65535, and no string (name, label keys and values, at any depth,
// haproxy_server_options) carries a control character. Other bytes of
// name and options are the consumers' business: the HAProxy generator
// builds server names from a safe character set and parses options
// against its allow-list. It costs one pass over the bytes and allocates
// only for the error.
func (b Backend) Validate() error {
	if reason := hostProblem(b.Host); reason != "" {
		return &InvalidError{Key: "host", Value: b.Host, Reason: reason}
	}
	if _, err := b.Port.number(); err != nil {
		return &InvalidError{Key: "port", Value: b.Port.String(), Reason: "want an integer 0-65535"}
	}
	if err := checkStrings("name", b.Name); err != nil {
		return err
	}
	if err := checkStrings("haproxy_server_options", b.HAProxyServerOptions); err != nil {
		return err
	}
	if err := checkStrings("weight", b.Weight); err != nil {
		return err
	}
	return checkStrings("labels", b.Labels)
}

// ValidHost reports whether s is an IP literal or an RFC 1123 hostname.
func ValidHost(s string) bool { return hostProblem(s) == "" }

// hostProblem returns why s is not a usable host, or "".
//
// Underscores are accepted although RFC 1123 leaves them out: hosts such
// as "default_server1" (the originals' own tests) and container names
// carry them, resolvers look them up, and '_' splits nothing in HAProxy's
// config or CLI. An IPv6 zone ("fe80::1%eth0") is refused: it names an
// interface of the registering machine, meaningless to a reader on
// another one, and '%' is not a server-name character.
func hostProblem(s string) string {
	switch {
	case s == "":
		return "empty"
	case len(s) > 253 && !(len(s) == 254 && s[253] == '.'):
		return "longer than 253 characters"
	}
	colon := false
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			colon = true
			break
		}
	}
	if colon {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return "want an IP address or an RFC 1123 hostname"
		}
		return ""
	}
	return hostnameProblem(s)
}

// hostnameProblem checks RFC 1123 labels: letters, digits and hyphens
// (and '_', see hostProblem), 1-63 characters, no hyphen first or last;
// one trailing dot allowed.
// IPv4 literals pass as all-digit labels.
func hostnameProblem(s string) string {
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			c := s[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				r, _ := utf8.DecodeRuneInString(s[i:])
				return fmt.Sprintf("character %q not allowed in a hostname", r)
			}
			continue
		}
		switch n := i - start; {
		case n == 0:
			return "empty hostname label"
		case n > 63:
			return "hostname label longer than 63 characters"
		case s[start] == '-' || s[i-1] == '-':
			return "hostname label starts or ends with '-'"
		}
		start = i + 1
	}
	return ""
}

// checkStrings refuses a control character in any string of v, object
// keys included, at any depth. The key path is built only on failure.
func checkStrings(key string, v Value) error {
	if e := badString(v); e != nil {
		if e.Key == "" {
			e.Key = key
		} else {
			e.Key = key + "." + e.Key
		}
		return e
	}
	return nil
}

func badString(v Value) *InvalidError {
	switch v.kind() {
	case KindString:
		if i := controlIndex(v.text); i >= 0 {
			return &InvalidError{Value: v.text, Reason: fmt.Sprintf("control character %q", v.text[i])}
		}
	case KindArray:
		for _, e := range v.elems() {
			if err := badString(e); err != nil {
				return err
			}
		}
	case KindObject:
		for _, m := range v.members() {
			if i := controlIndex(m.Key); i >= 0 {
				return &InvalidError{Value: m.Key, Reason: fmt.Sprintf("control character %q in a key", m.Key[i])}
			}
			if err := badString(m.Value); err != nil {
				if err.Key == "" {
					err.Key = m.Key
				} else {
					err.Key = m.Key + "." + err.Key
				}
				return err
			}
		}
	}
	return nil
}

// controlIndex is the index of the first C0 control byte or DEL in s, or
// -1. Bytes of multi-byte UTF-8 are never below 0x80, so a byte scan
// finds every C0 control; the C1 controls U+0080-U+009F are looked for
// as their two-byte encodings.
func controlIndex(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || (c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f) {
			return i
		}
	}
	return -1
}
