package config

import (
	"encoding"
	"fmt"
	"reflect"

	"gopkg.in/yaml.v3"
)

// Bounds on one Decoder's work. Real configs nest a few dozen levels and
// expand aliases into thousands of values; the bounds stop alias bombs and
// pathological nesting while keeping a hostile file's cost near 50 ms.
const (
	maxAliasVisits = 200_000
	maxDepth       = 1_000
)

var (
	nodeType        = reflect.TypeFor[yaml.Node]()
	unmarshalerType = reflect.TypeFor[Unmarshaler]()
	yamlUnmarshaler = reflect.TypeFor[yaml.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// walk decodes n into v. Our own walk, rather than yaml.v3's, is what gives
// every problem its key path and lets unknown keys warn instead of fail. open
// silences unknown-key warnings below a field tagged `config:"open"`.
func (d *Decoder) walk(n *yaml.Node, path string, v reflect.Value, open bool) {
	if n = d.deref(n); n == nil {
		return
	}
	if n.Kind == yaml.AliasNode {
		d.expand(n, path, func(a *yaml.Node) { d.walk(a, path, v, open) })
		return
	}
	// Null keeps the default, as `value || default` does in the originals.
	if isNull(n) || !d.enter(n, path) {
		return
	}
	defer d.leave()
	t := v.Type()
	switch {
	case reflect.PointerTo(t).Implements(unmarshalerType):
		u := v.Addr().Interface().(Unmarshaler)
		d.record(n, path, u.UnmarshalConfig(d, n, path))
	case t == nodeType:
		v.Set(reflect.ValueOf(*n))
	case reflect.PointerTo(t).Implements(yamlUnmarshaler), reflect.PointerTo(t).Implements(textUnmarshaler):
		d.leaf(n, path, v)
	default:
		d.walkKind(n, path, v, open)
	}
}

func (d *Decoder) walkKind(n *yaml.Node, path string, v reflect.Value, open bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.walk(n, path, v.Elem(), open)
	case reflect.Interface:
		if v.NumMethod() > 0 {
			d.Errorf(n, path, "internal error: cannot decode into interface %s", v.Type())
			return
		}
		if x, ok := d.decodeAny(n, path); ok && x != nil {
			v.Set(reflect.ValueOf(x))
		}
	case reflect.Struct:
		d.decodeStruct(n, path, []reflect.Value{v}, keys{open: open})
	case reflect.Map:
		d.decodeMap(n, path, v, open)
	case reflect.Slice:
		d.decodeSlice(n, path, v, open)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		d.decodeInt(n, path, v)
	case reflect.Bool:
		d.decodeBool(n, path, v)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.typeError(n, path, v.Type())
			return
		}
		v.SetString(n.Value)
	default:
		d.leaf(n, path, v)
	}
}

// deref unwraps a document node; nil means there is nothing to decode.
func (d *Decoder) deref(n *yaml.Node) *yaml.Node {
	if n == nil || n.Kind == 0 {
		return nil
	}
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		return d.deref(n.Content[0])
	}
	return n
}

// expand runs f on the target of alias n unless that target is already being
// expanded: yaml.v3 accepts self-referencing anchors like `&a [*a]`.
func (d *Decoder) expand(n *yaml.Node, path string, f func(*yaml.Node)) {
	a := n.Alias
	if a == nil {
		return
	}
	if d.active == nil {
		d.active = map[*yaml.Node]bool{}
	}
	if d.active[a] {
		d.Errorf(n, path, "alias *%s refers to itself", n.Value)
		return
	}
	d.active[a] = true
	defer delete(d.active, a)
	f(a)
}

// enter counts a node against the bounds; a true result needs a leave.
func (d *Decoder) enter(n *yaml.Node, path string) bool {
	if len(d.active) > 0 {
		d.aliasVisits++
	}
	var msg string
	switch {
	case d.aliasVisits > maxAliasVisits:
		msg = fmt.Sprintf("config too large: aliases expand to more than %d values", maxAliasVisits)
	case d.depth >= maxDepth:
		msg = fmt.Sprintf("config nested more than %d levels deep", maxDepth)
	default:
		d.depth++
		return true
	}
	if !d.tooBig {
		d.tooBig = true
		if len(path) > 80 {
			path = path[:80] + "..."
		}
		d.Errorf(n, path, "%s", msg)
	}
	return false
}

func (d *Decoder) leave() { d.depth-- }

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// leaf hands n to yaml.v3, for types with their own unmarshalers and rare kinds.
func (d *Decoder) leaf(n *yaml.Node, path string, v reflect.Value) {
	err := n.Decode(v.Addr().Interface())
	if err == nil {
		return
	}
	if _, ok := err.(*yaml.TypeError); ok {
		d.typeError(n, path, v.Type())
		return
	}
	d.record(n, path, err)
}

func (d *Decoder) decodeSlice(n *yaml.Node, path string, v reflect.Value, open bool) {
	if n.Kind != yaml.SequenceNode {
		d.typeError(n, path, v.Type())
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, c := range n.Content {
		d.walk(c, IndexPath(path, i), s.Index(i), open)
	}
	v.Set(s)
}

// decodeMap replaces the entries it decodes and keeps the others, as yaml.v3 does.
func (d *Decoder) decodeMap(n *yaml.Node, path string, v reflect.Value, open bool) {
	if n.Kind != yaml.MappingNode {
		d.typeError(n, path, v.Type())
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	for _, p := range d.pairs(n, path, true) {
		kp := KeyPath(path, p.key.Value)
		before := len(d.errs)
		k := reflect.New(v.Type().Key()).Elem()
		d.walk(p.key, kp, k, open)
		if len(d.errs) > before {
			continue
		}
		// Kept even when its value has errors, so later checks that look
		// entries up by name (a generator section naming a service) do not
		// report a second, confusing problem.
		e := reflect.New(v.Type().Elem()).Elem()
		d.guard(p, kp, func() { d.walk(p.value, kp, e, open) })
		v.SetMapIndex(k, e)
	}
}

// keys says which keys of a mapping decodeStruct may warn about.
type keys struct {
	open  bool   // none, here or below: a field tagged `config:"open"`
	quiet bool   // none here, as a catch-all target shares the mapping
	skip  string // this one is known though no field holds it: a discriminator
}

// decodeStruct decodes mapping n into every struct in vs.
func (d *Decoder) decodeStruct(n *yaml.Node, path string, vs []reflect.Value, k keys) {
	if n.Kind != yaml.MappingNode {
		d.typeError(n, path, vs[0].Type())
		return
	}
	infos := make([]*structInfo, len(vs))
	for i, v := range vs {
		infos[i] = structInfoOf(v.Type())
	}
	for _, p := range d.pairs(n, path, true) {
		key := p.key.Value
		kp := KeyPath(path, key)
		known := k.skip != "" && key == k.skip
		for i, v := range vs {
			if f, ok := infos[i].fields[key]; ok {
				d.guard(p, kp, func() { d.walk(d.numeric(p.value, kp, f.num), kp, v.FieldByIndex(f.index), k.open || f.open) })
				known = true
			}
		}
		if !known && !d.toInlineMap(p, kp, vs, infos) && !k.open && !k.quiet {
			d.warn(p.key, kp, unknownKeyMsg(key, infos, k.skip))
		}
	}
}

// toInlineMap stores an otherwise unknown key in the first `yaml:",inline"` map.
func (d *Decoder) toInlineMap(p pair, path string, vs []reflect.Value, infos []*structInfo) bool {
	for i, v := range vs {
		if infos[i].inlineMap == nil {
			continue
		}
		m := v.FieldByIndex(infos[i].inlineMap)
		if m.IsNil() {
			m.Set(reflect.MakeMap(m.Type()))
		}
		e := reflect.New(m.Type().Elem()).Elem()
		d.guard(p, path, func() { d.walk(p.value, path, e, true) })
		m.SetMapIndex(reflect.ValueOf(p.key.Value).Convert(m.Type().Key()), e)
		return true
	}
	return false
}

// decodeTargets decodes one mapping into several outs; non-struct outs take
// every key, so they silence unknown-key warnings at this level.
func (d *Decoder) decodeTargets(n *yaml.Node, path string, outs []any, k keys) {
	if n = d.deref(n); n == nil {
		return
	}
	if n.Kind == yaml.AliasNode {
		d.expand(n, path, func(a *yaml.Node) { d.decodeTargets(a, path, outs, k) })
		return
	}
	var vs []reflect.Value
	for _, out := range outs {
		v, ok := d.target(n, path, out)
		switch {
		case !ok:
		case v.Kind() == reflect.Struct:
			vs = append(vs, v)
		default:
			d.walk(n, path, v, k.open)
			k.quiet = true
		}
	}
	if len(vs) > 0 && !isNull(n) && d.enter(n, path) {
		defer d.leave()
		d.decodeStruct(n, path, vs, k)
	}
}
