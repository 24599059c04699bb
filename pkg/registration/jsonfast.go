package registration

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"unicode/utf8"
)

// Reading JSON that encoding/json's validator accepts, without its
// Decoder.Token: Token decodes every scalar as a value of its own, which
// allocates the token, an interface and, for a scalar followed by a
// comma, a syntax error it then discards. At 50,000 registrations that was
// most of synapse's start-up CPU. Input the validator refuses goes the
// Token way (parseJSONTokens), so errors read as before; valid input gives
// the same Value either way: strings are taken as they are only when they
// have no escape and are valid UTF-8 (encoding/json leaves exactly those
// unchanged) and unquoted by encoding/json otherwise, numbers get the same
// spelling, and the nesting limit is checked at the same point.

// fastParser walks a document json.Valid accepted. members is scratch
// space shared by nested objects: each object's members are copied out at
// its end, in one allocation of the exact size.
type fastParser struct {
	data    []byte
	pos     int
	members []Member
	// lendTop: a top-level object keeps its members in members rather
	// than a copy of them (parseLent).
	lendTop bool
}

func parseValidJSON(data []byte) (Value, error) {
	scratch := scratchPool.Get().(*[]Member)
	p := fastParser{data: data, members: (*scratch)[:0]}
	v, err := p.value(0)
	clear(p.members) // an error leaves members behind
	*scratch = p.members[:0]
	scratchPool.Put(scratch)
	return v, err
}

// parseLent is parseValidJSON calling use with the value, whose top-level
// object, if it is one, is lent: its members are the parser's scratch
// space, not a copy, for the duration of use only. use may keep values
// read from the object (they own what they point to) but not the object.
// A registration is read field by field and dropped: its copy was 8 MB of
// garbage at a start-up with 50,000 of them.
func parseLent(data []byte, use func(Value)) error {
	scratch := scratchPool.Get().(*[]Member)
	p := fastParser{data: data, members: (*scratch)[:0], lendTop: true}
	v, err := p.value(0)
	if err == nil {
		use(v)
	}
	clear(p.members) // the lent members, or what an error left behind
	*scratch = p.members[:0]
	scratchPool.Put(scratch)
	return err
}

// scratchPool holds fastParser.members between documents: growing it per
// document was a third of the parser's allocations.
var scratchPool = sync.Pool{New: func() any { return new([]Member) }}

func (p *fastParser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// value reads the value at p.pos; depth counts the arrays and objects
// around it, as decodeNext's does.
func (p *fastParser) value(depth int) (Value, error) {
	p.skipSpace()
	switch c := p.data[p.pos]; c {
	case '{', '[':
		if depth >= maxDepth {
			return Value{}, fmt.Errorf("nesting deeper than %d levels", maxDepth)
		}
		p.pos++
		if c == '[' {
			return p.array(depth + 1)
		}
		return p.object(depth + 1)
	case '"':
		s, err := p.string()
		return StringValue(s), err
	case 't':
		p.pos += len("true")
		return BoolValue(true), nil
	case 'f':
		p.pos += len("false")
		return BoolValue(false), nil
	case 'n':
		p.pos += len("null")
		return NullValue(), nil
	}
	start := p.pos
	for p.pos < len(p.data) && isNumberByte(p.data[p.pos]) {
		p.pos++
	}
	return scalar(KindNumber, canonicalNumber(string(p.data[start:p.pos]))), nil
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// more skips to the next element or member and reports whether there is
// one; it consumes the separating comma and the closing bracket.
func (p *fastParser) more(first bool) bool {
	p.skipSpace()
	switch p.data[p.pos] {
	case ']', '}':
		p.pos++
		return false
	case ',':
		p.pos++
	default:
		if !first {
			panic("registration: fastParser on invalid JSON")
		}
	}
	return true
}

func (p *fastParser) array(depth int) (Value, error) {
	var elems []Value
	for first := true; p.more(first); first = false {
		v, err := p.value(depth)
		if err != nil {
			return Value{}, err
		}
		elems = append(elems, v)
	}
	return Value{comp: &composite{kind: KindArray, elems: elems}}, nil
}

func (p *fastParser) object(depth int) (Value, error) {
	start := len(p.members)
	for first := true; p.more(first); first = false {
		p.skipSpace()
		key, err := p.string()
		if err != nil {
			return Value{}, err
		}
		p.skipSpace()
		p.pos++ // ':'
		v, err := p.value(depth)
		if err != nil {
			return Value{}, err
		}
		p.members = append(p.members, Member{Key: key, Value: v})
	}
	if depth == 1 && p.lendTop {
		return ownedObject(p.members[start:]), nil // parseLent clears them
	}
	var ms []Member
	if len(p.members) > start {
		ms = slices.Clone(p.members[start:])
	}
	clear(p.members[start:]) // no references kept from the scratch space
	p.members = p.members[:start]
	return ownedObject(ms), nil
}

// string reads the string at p.pos, quotes included.
func (p *fastParser) string() (string, error) {
	start := p.pos
	p.pos++
	plain := true
	for {
		c := p.data[p.pos]
		if c == '"' {
			break
		}
		if c == '\\' {
			plain = false
			p.pos++ // the escaped byte cannot end the string
		}
		p.pos++
	}
	p.pos++
	body := p.data[start+1 : p.pos-1]
	if plain && utf8.Valid(body) {
		return knownKey(body), nil
	}
	var s string
	if err := json.Unmarshal(p.data[start:p.pos], &s); err != nil {
		return "", err
	}
	return s, nil
}

// knownKey returns b as a string, without allocating for the keys of a
// registration, which every payload repeats.
func knownKey(b []byte) string {
	switch string(b) {
	case "host":
		return "host"
	case "port":
		return "port"
	case "name":
		return "name"
	case "weight":
		return "weight"
	case "labels":
		return "labels"
	case "haproxy_server_options":
		return "haproxy_server_options"
	case "id":
		return "id"
	}
	return string(b)
}
