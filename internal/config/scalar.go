package config

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// decodeInt accepts integers, and floats with no fraction (`rise: 1.0`, which
// Ruby compares equal to 1), but never silently truncates `1.5` as yaml.v3 does.
func (d *Decoder) decodeInt(n *yaml.Node, path string, v reflect.Value) {
	var x any
	if n.Kind != yaml.ScalarNode || n.Decode(&x) != nil {
		d.typeError(n, path, v.Type())
		return
	}
	if f, ok := x.(float64); ok {
		x = floatToInt(f)
	}
	var fits bool
	switch x := x.(type) {
	case int:
		fits = setInt(v, int64(x))
	case uint64:
		fits = setUint(v, x)
	default:
		d.typeError(n, path, v.Type())
		return
	}
	if !fits {
		d.Errorf(n, path, "cannot use %s as %s: out of range", describe(n), describeType(v.Type()))
	}
}

// floatToInt returns an int or uint64 for a float without fraction, a value
// out of every range (math.MaxUint64 cannot fit) when it is too large, and
// the float itself otherwise.
func floatToInt(f float64) any {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f):
		return f
	case f >= math.MinInt64 && f < math.MaxInt64:
		return int(f)
	case f >= 0 && f < math.MaxUint64:
		return uint64(f)
	}
	return uint64(math.MaxUint64)
}

func setInt(v reflect.Value, i int64) bool {
	if v.CanInt() {
		if v.OverflowInt(i) {
			return false
		}
		v.SetInt(i)
		return true
	}
	if i < 0 || v.OverflowUint(uint64(i)) {
		return false
	}
	v.SetUint(uint64(i))
	return true
}

func setUint(v reflect.Value, u uint64) bool {
	if v.CanInt() {
		return u <= math.MaxInt64 && setInt(v, int64(u))
	}
	if v.OverflowUint(u) {
		return false
	}
	v.SetUint(u)
	return true
}

// decodeBool takes YAML 1.1 booleans as Psych does: yes/no, on/off, true/false
// in any case. yaml.v3 alone misses spellings like `True` in mixed case.
func (d *Decoder) decodeBool(n *yaml.Node, path string, v reflect.Value) {
	if b, ok := psychBool(n); ok {
		v.SetBool(b)
		return
	}
	d.leaf(n, path, v)
}

func psychBool(n *yaml.Node) (value, ok bool) {
	if n.Kind != yaml.ScalarNode || n.Style != 0 {
		return false, false
	}
	switch strings.ToLower(n.Value) {
	case "yes", "true", "on":
		return true, true
	case "no", "false", "off":
		return false, true
	}
	return false, false
}

// decodeAny builds the plain Go value (map[string]any, []any, string, int,
// uint64, float64, bool, nil) for open content such as nerve's labels, which
// reach the registration payload as they are. Scalars resolve as Psych
// resolves them, not as yaml.v3 does, so the payload matches the original's.
func (d *Decoder) decodeAny(n *yaml.Node, path string) (any, bool) {
	if n.Kind == yaml.AliasNode {
		var x any
		ok := false
		d.expand(n, path, func(a *yaml.Node) { x, ok = d.decodeAny(a, path) })
		return x, ok
	}
	if !d.enter(n, path) {
		return nil, false
	}
	defer d.leave()
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for _, p := range d.pairs(n, path, true) {
			kp := KeyPath(path, p.key.Value)
			d.guard(p, kp, func() {
				if x, ok := d.decodeAny(p.value, kp); ok {
					m[p.key.Value] = x
				}
			})
		}
		return m, true
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			x, _ := d.decodeAny(c, IndexPath(path, i))
			s = append(s, x)
		}
		return s, true
	}
	return d.scalarAny(n, path)
}

func (d *Decoder) scalarAny(n *yaml.Node, path string) (any, bool) {
	if b, ok := psychBool(n); ok {
		return b, true
	}
	var x any
	if err := n.Decode(&x); err != nil {
		d.Errorf(n, path, "cannot read %s: %v", describe(n), err)
		return nil, false
	}
	if n.Style != 0 {
		return x, true // quoted, or tagged (every JSON scalar): as written
	}
	switch x.(type) {
	case time.Time:
		return n.Value, true // Psych's Date would print as written
	case float64:
		// Psych's floats need a dot (or are .inf/.nan): 1e5 is a string.
		if !strings.Contains(n.Value, ".") {
			return n.Value, true
		}
	}
	return x, true
}

func (d *Decoder) typeError(n *yaml.Node, path string, t reflect.Type) {
	d.Errorf(n, path, "cannot use %s as %s", describe(n), describeType(t))
}

// describe names a node for messages: its value quoted if a scalar.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	v := n.Value
	if r := []rune(v); len(r) > 60 {
		v = string(r[:57]) + "..."
	}
	return strconv.Quote(v)
}

func describeType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return fmt.Sprintf("a %s", t)
}
