package registration

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Kind is the JSON type of a Value.
type Kind uint8

// The kinds of Value. KindAbsent is the zero Value's kind: the key was not
// there at all, which the nerve payload distinguishes from an explicit null
// (Ruby's has_key? decides whether an optional key is written).
const (
	KindAbsent Kind = iota
	KindNull
	KindBool
	KindNumber
	KindString
	KindArray
	KindObject
)

var kindNames = [...]string{"absent", "null", "bool", "number", "string", "array", "object"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// article returns the kind with an article, for error messages.
func (k Kind) article() string {
	switch k {
	case KindAbsent, KindNull:
		return k.String()
	case KindArray, KindObject:
		return "an " + k.String()
	}
	return "a " + k.String()
}

// Value is one JSON value as the Ruby originals see it. Objects keep their
// key order (Ruby hashes are insertion-ordered and labels are written back in
// that order) and numbers keep their Ruby spelling, so a value read from
// ZooKeeper or a config file is written back byte for byte as Ruby would.
//
// The zero Value is absent. A Value is immutable: constructors copy their
// arguments and accessors return copies.
type Value struct {
	_    [0]func() // not comparable: == would compare comp pointers
	text string    // string contents, canonical number text, "true"/"false"
	// comp holds the kind, and an array's elements or an object's
	// members; nil for absent, one of scalars for the other kinds. So a
	// Value is 24 bytes, not 72: a Backend has four of them and synapse
	// holds every backend of every service (50,000 at scale).
	comp *composite
}

type composite struct {
	kind    Kind
	elems   []Value
	members []Member
}

// scalars are the comp of the kinds without elements or members.
var scalars = [...]composite{KindNull: {kind: KindNull}, KindBool: {kind: KindBool},
	KindNumber: {kind: KindNumber}, KindString: {kind: KindString}}

// scalar returns a Value of kind k (null, bool, number or string).
func scalar(k Kind, text string) Value { return Value{text: text, comp: &scalars[k]} }

func (v Value) kind() Kind {
	if v.comp == nil {
		return KindAbsent
	}
	return v.comp.kind
}

// elems returns an array's elements, nil for other kinds; not a copy.
func (v Value) elems() []Value {
	if v.comp == nil {
		return nil
	}
	return v.comp.elems
}

// members returns an object's members, nil for other kinds; not a copy.
func (v Value) members() []Member {
	if v.comp == nil {
		return nil
	}
	return v.comp.members
}

// Member is one key of a JSON object.
type Member struct {
	Key   string
	Value Value
}

// NullValue returns JSON null.
func NullValue() Value { return scalar(KindNull, "") }

// BoolValue returns JSON true or false.
func BoolValue(b bool) Value { return scalar(KindBool, strconv.FormatBool(b)) }

// StringValue returns a JSON string.
func StringValue(s string) Value { return scalar(KindString, s) }

// ArrayValue returns a JSON array. Absent elements become null.
func ArrayValue(elems ...Value) Value {
	out := make([]Value, len(elems))
	for i, e := range elems {
		out[i] = presentOrNull(e)
	}
	return Value{comp: &composite{kind: KindArray, elems: out}}
}

// ObjectValue returns a JSON object with the members in the given order.
// A repeated key keeps its first position and takes the last value, as a
// Ruby hash (and Ruby's JSON.parse) does. Absent values become null.
func ObjectValue(members ...Member) Value { return ownedObject(slices.Clone(members)) }

// ownedObject is ObjectValue on a slice it may keep and rewrite.
func ownedObject(ms []Member) Value {
	out := ms[:0] // the write index never passes the read index
	var index map[string]int
	for _, m := range ms {
		m.Value = presentOrNull(m.Value)
		i, ok := memberIndex(out, index, m.Key)
		if ok {
			out[i].Value = m.Value
			continue
		}
		if index == nil && len(out) >= linearMembers {
			index = make(map[string]int, len(ms))
			for j, o := range out {
				index[o.Key] = j
			}
		}
		if index != nil {
			index[m.Key] = len(out)
		}
		out = append(out, m)
	}
	return Value{comp: &composite{kind: KindObject, members: out}}
}

// linearMembers is the object size up to which keys are looked up by
// scanning rather than in a map: registrations and their labels have a
// handful of keys, and a map per decoded object was most of the garbage of
// reading 50,000 of them.
const linearMembers = 16

func memberIndex(ms []Member, index map[string]int, key string) (int, bool) {
	if index != nil {
		i, ok := index[key]
		return i, ok
	}
	for i, m := range ms {
		if m.Key == key {
			return i, true
		}
	}
	return 0, false
}

func presentOrNull(v Value) Value {
	if v.kind() == KindAbsent {
		return NullValue()
	}
	return v
}

// Kind reports the JSON type of v.
func (v Value) Kind() Kind { return v.kind() }

// Present reports whether v is not the zero (absent) Value. Null is present.
func (v Value) Present() bool { return v.kind() != KindAbsent }

// AsString returns the contents of a JSON string.
func (v Value) AsString() (string, bool) { return v.text, v.kind() == KindString }

// AsBool returns the value of a JSON boolean.
func (v Value) AsBool() (bool, bool) { return v.text == "true", v.kind() == KindBool }

// AsNumber returns a number's text in Ruby's spelling ("3000", "2.5",
// "1.0e+20").
func (v Value) AsNumber() (string, bool) { return v.text, v.kind() == KindNumber }

// AsInt returns the value of a number that Ruby would parse as an Integer
// (no fraction, no exponent) and that fits in an int64. A string of digits
// is not an integer here, as it is not in Ruby.
func (v Value) AsInt() (int64, bool) {
	if v.kind() != KindNumber || strings.ContainsAny(v.text, ".eE") {
		return 0, false
	}
	n, err := strconv.ParseInt(v.text, 10, 64)
	return n, err == nil
}

// Elems returns a copy of an array's elements (nil for other kinds).
func (v Value) Elems() []Value { return slices.Clone(v.elems()) }

// Members returns a copy of an object's members in order (nil for other
// kinds).
func (v Value) Members() []Member { return slices.Clone(v.members()) }

// Get returns the value of key in an object. It reports false for a missing
// key and for values that are not objects.
func (v Value) Get(key string) (Value, bool) { return getMember(v.members(), key) }

func getMember(ms []Member, key string) (Value, bool) {
	for _, m := range ms {
		if m.Key == key {
			return m.Value, true
		}
	}
	return Value{}, false
}

// Equal reports whether v and w are the same JSON value. Object key order is
// ignored, as in Ruby's Hash#==; numbers compare by their Ruby spelling, so
// 1 and 1.0 differ (Ruby's eql?, which Synapse's set comparison uses).
func (v Value) Equal(w Value) bool {
	ve, we, vm, wm := v.elems(), w.elems(), v.members(), w.members()
	if v.kind() != w.kind() || v.text != w.text || len(ve) != len(we) || len(vm) != len(wm) {
		return false
	}
	for i := range ve {
		if !ve[i].Equal(we[i]) {
			return false
		}
	}
	return sameMembers(vm, wm)
}

// sameMembers compares objects of equal size regardless of key order. Keys
// are unique (ObjectValue ensures it), so a one-way check suffices.
func sameMembers(a, b []Member) bool {
	if len(a) <= 16 {
		for _, m := range a {
			o, ok := getMember(b, m.Key)
			if !ok || !m.Value.Equal(o) {
				return false
			}
		}
		return true
	}
	index := make(map[string]Value, len(b))
	for _, m := range b {
		index[m.Key] = m.Value
	}
	for _, m := range a {
		o, ok := index[m.Key]
		if !ok || !m.Value.Equal(o) {
			return false
		}
	}
	return true
}

// String returns v as compact JSON for logs and messages. Unlike
// MarshalJSON it never fails: invalid UTF-8 is shown as U+FFFD.
func (v Value) String() string {
	b, _ := appendValue(nil, v, false)
	return string(b)
}

// MarshalJSON writes v the way Ruby's JSON.generate does. Note that
// encoding/json HTML-escapes a Marshaler's output unless the Encoder has
// SetEscapeHTML(false); call AppendJSON to get Ruby's bytes directly.
func (v Value) MarshalJSON() ([]byte, error) { return v.AppendJSON(nil) }

// AppendJSON appends v as Ruby's JSON.generate writes it. It fails on
// strings that are not valid UTF-8 and on NaN or infinite numbers, which
// Ruby refuses as well.
func (v Value) AppendJSON(dst []byte) ([]byte, error) {
	b, err := appendValue(dst, v, true)
	if err != nil {
		return dst, fmt.Errorf("registration: %w", err)
	}
	return b, nil
}

// UnmarshalJSON parses one JSON value, keeping object key order.
func (v *Value) UnmarshalJSON(data []byte) error {
	parsed, err := ParseValue(data)
	if err != nil {
		return err
	}
	*v = parsed
	return nil
}
