package synapse

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// prepare is steps 1-3 of set_backends: append the default servers
// (keep_default_servers), override the port, drop duplicates. The
// watcher's slice is never modified: when none of the steps changes
// anything, as is usual, it is returned as is and shared (a watcher does
// not touch a set after sending it), else a new slice is.
func (s *ServiceState) prepare(discovered []registration.Backend) []registration.Backend {
	if (!s.keepDefaults || len(s.defaults) == 0) && s.portOverride == nil && !hasDuplicates(discovered) {
		return discovered
	}
	all := make([]registration.Backend, 0, len(discovered)+len(s.defaults))
	all = append(all, discovered...)
	if s.keepDefaults {
		all = append(all, s.defaults...)
	}
	if s.portOverride != nil {
		for i := range all {
			all[i].Port = *s.portOverride
		}
	}
	return dedupe(all)
}

// dedupe keeps the first backend of each (host, port, name) triple. Ports
// compare with their JSON type (3000 and "3000" differ, as Ruby's hash
// keys do); a missing or null name counts as "".
func dedupe(bs []registration.Backend) []registration.Backend {
	seen := make(map[string]bool, len(bs))
	out := bs[:0]
	for _, b := range bs {
		if key := dedupeKey(b); !seen[key] {
			seen[key] = true
			out = append(out, b)
		}
	}
	return out
}

func hasDuplicates(bs []registration.Backend) bool {
	if dup, ok := hasDuplicatesFast(bs); ok {
		return dup
	}
	seen := make(map[string]bool, len(bs))
	for _, b := range bs {
		key := dedupeKey(b)
		if seen[key] {
			return true
		}
		seen[key] = true
	}
	return false
}

// dupKey is dedupeKey's triple without building its text, for the usual
// backends: a string or no name, and valid UTF-8 in the port and name
// (which dedupeKey's JSON text would show as U+FFFD, making different
// strings equal).
type dupKey struct {
	host, name string
	port       registration.Port
}

// hasDuplicatesFast is hasDuplicates on dupKeys; ok false when a backend
// is not usual, for the caller to use the text keys.
func hasDuplicatesFast(bs []registration.Backend) (dup, ok bool) {
	seen := make(map[dupKey]struct{}, len(bs))
	for _, b := range bs {
		name, isString := b.Name.AsString()
		if !isString && b.Name.Present() && b.Name.Kind() != registration.KindNull {
			return false, false
		}
		if !utf8.ValidString(name) || !utf8.ValidString(b.Port.String()) {
			return false, false
		}
		k := dupKey{host: b.Host, name: name, port: b.Port}
		if _, ok := seen[k]; ok {
			return true, true
		}
		seen[k] = struct{}{}
	}
	return false, true
}

func dedupeKey(b registration.Backend) string {
	var k strings.Builder
	k.WriteString(strconv.Quote(b.Host))
	k.WriteString(b.Port.Value().String())
	name := b.Name
	if !name.Present() || name.Kind() == registration.KindNull {
		name = registration.StringValue("")
	}
	k.WriteString(name.String())
	return k.String()
}

// sameSet is Ruby's `a.to_set == b.to_set` over backend records: order and
// repeats do not matter, every field does (object key order does not, as
// in Hash#==).
func sameSet(a, b []registration.Backend) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	if slices.EqualFunc(a, b, registration.Backend.Equal) {
		// The usual case: a watcher's sets come in a stable order, and
		// equal backends have equal keys.
		return true
	}
	ka, kb := keySet(a), keySet(b)
	if len(ka) != len(kb) {
		return false
	}
	for k := range ka {
		if !kb[k] {
			return false
		}
	}
	return true
}

func keySet(bs []registration.Backend) map[string]bool {
	set := make(map[string]bool, len(bs))
	for _, b := range bs {
		set[backendKey(b)] = true
	}
	return set
}

// backendKey is a canonical text of every field of b.
func backendKey(b registration.Backend) string {
	var k strings.Builder
	id := registration.Value{}
	if b.ID != nil {
		id = registration.IntValue(*b.ID)
	}
	for _, v := range []registration.Value{
		b.Name, registration.StringValue(b.Host), b.Port.Value(), id,
		b.Weight, b.HAProxyServerOptions, b.Labels,
	} {
		canonical(&k, v)
		k.WriteByte(',')
	}
	return k.String()
}

// canonical writes v as JSON with object keys sorted and absent as null,
// so that equal values (Value.Equal, with absent = null) write equal text.
func canonical(k *strings.Builder, v registration.Value) {
	switch v.Kind() {
	case registration.KindAbsent, registration.KindNull:
		k.WriteString("null")
	case registration.KindObject:
		ms := v.Members()
		slices.SortFunc(ms, func(a, b registration.Member) int { return strings.Compare(a.Key, b.Key) })
		k.WriteByte('{')
		for _, m := range ms {
			k.WriteString(strconv.Quote(m.Key))
			k.WriteByte(':')
			canonical(k, m.Value)
			k.WriteByte(',')
		}
		k.WriteByte('}')
	case registration.KindArray:
		k.WriteByte('[')
		for _, e := range v.Elems() {
			canonical(k, e)
			k.WriteByte(',')
		}
		k.WriteByte(']')
	default:
		k.WriteString(v.String())
	}
}
