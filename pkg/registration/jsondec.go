package registration

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
)

// maxDepth is Ruby JSON.parse's default max_nesting: 100 levels of arrays
// and objects are accepted, the 101st is an error.
const maxDepth = 100

// ParseValue parses exactly one JSON value, keeping object key order and
// Ruby's number spelling (see NumberValue). Repeated keys keep the first
// position and the last value. Strings with invalid UTF-8 or lone surrogate
// escapes read as U+FFFD (encoding/json's rule; Ruby may reject them).
func ParseValue(data []byte) (Value, error) {
	v, err := parseJSON(data)
	if err != nil {
		return Value{}, fmt.Errorf("registration: invalid JSON: %w", err)
	}
	return v, nil
}

func parseJSON(data []byte) (Value, error) {
	if json.Valid(data) {
		return parseValidJSON(data)
	}
	return parseJSONTokens(data)
}

// parseJSONTokens is parseJSON with encoding/json's Decoder, for input
// the validator refused: its error says where and why.
func parseJSONTokens(data []byte) (Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeNext(dec, 0)
	if errors.Is(err, io.EOF) {
		// The decoder reports a value cut short as plain io.EOF too.
		if len(bytes.TrimSpace(data)) == 0 {
			return Value{}, errors.New("empty input")
		}
		return Value{}, io.ErrUnexpectedEOF
	}
	if err != nil {
		return Value{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return Value{}, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

func decodeNext(dec *json.Decoder, depth int) (Value, error) {
	tok, err := dec.Token()
	if err != nil {
		return Value{}, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if depth >= maxDepth {
			return Value{}, fmt.Errorf("nesting deeper than %d levels", maxDepth)
		}
		switch t {
		case '[':
			return decodeArray(dec, depth+1)
		case '{':
			return decodeObject(dec, depth+1)
		}
		return Value{}, fmt.Errorf("unexpected %q", rune(t))
	case string:
		return StringValue(t), nil
	case json.Number:
		return parseNumber(t.String())
	case bool:
		return BoolValue(t), nil
	}
	return NullValue(), nil
}

func decodeArray(dec *json.Decoder, depth int) (Value, error) {
	var elems []Value
	for dec.More() {
		v, err := decodeNext(dec, depth)
		if err != nil {
			return Value{}, err
		}
		elems = append(elems, v)
	}
	if _, err := dec.Token(); err != nil {
		return Value{}, err
	}
	return Value{comp: &composite{kind: KindArray, elems: elems}}, nil
}

func decodeObject(dec *json.Decoder, depth int) (Value, error) {
	var members []Member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return Value{}, err
		}
		key, ok := tok.(string)
		if !ok {
			return Value{}, fmt.Errorf("object key is %v, want a string", tok)
		}
		v, err := decodeNext(dec, depth)
		if err != nil {
			return Value{}, err
		}
		members = append(members, Member{Key: key, Value: v})
	}
	if _, err := dec.Token(); err != nil {
		return Value{}, err
	}
	return ownedObject(members), nil
}

// ValueOf converts what a decoder hands out (nil, bool, string, Go integers
// and floats, json.Number, []any, map[string]any, []Member, Value) into a
// Value. A map[string]any has already lost its key order; its keys are
// sorted so the result is at least deterministic. Config loaders that need
// the file's order should build the object with ObjectValue.
func ValueOf(x any) (Value, error) {
	v, err := valueOf(x)
	if err != nil {
		return Value{}, fmt.Errorf("registration: %w", err)
	}
	return v, nil
}

func valueOf(x any) (Value, error) {
	switch t := x.(type) {
	case nil:
		return NullValue(), nil
	case Value:
		return t, nil
	case bool:
		return BoolValue(t), nil
	case string:
		return StringValue(t), nil
	case json.Number:
		return parseNumber(t.String())
	case []any:
		return arrayOf(t)
	case map[string]any:
		return objectOf(t)
	case []Member:
		return ObjectValue(t...), nil
	}
	return numberOf(x)
}

func numberOf(x any) (Value, error) {
	rv := reflect.ValueOf(x)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return IntValue(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return scalar(KindNumber, strconv.FormatUint(rv.Uint(), 10)), nil
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return Value{}, fmt.Errorf("%v is not allowed in JSON", f)
		}
		return FloatValue(f), nil
	}
	return Value{}, fmt.Errorf("cannot represent %T as JSON", x)
}

func arrayOf(xs []any) (Value, error) {
	elems := make([]Value, len(xs))
	for i, x := range xs {
		v, err := valueOf(x)
		if err != nil {
			return Value{}, err
		}
		elems[i] = v
	}
	return ArrayValue(elems...), nil
}

func objectOf(m map[string]any) (Value, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	members := make([]Member, len(keys))
	for i, k := range keys {
		v, err := valueOf(m[k])
		if err != nil {
			return Value{}, fmt.Errorf("%q: %w", k, err)
		}
		members[i] = Member{Key: k, Value: v}
	}
	return ObjectValue(members...), nil
}
