package config

import (
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// DecodeTyped decodes a polymorphic section: it reads the name under key
// (`type`, `method`, `reporter_type`) from mapping n, lower-cased as the
// originals look it up, makes the config registry[name] returns (a pointer,
// with its defaults already set) and decodes n into it, and into also, which
// share the mapping: a key is unknown only if none of them knows it, and key
// itself is always known. Neither the new config's nor also's UnmarshalConfig
// is called.
//
// A missing key looks up the name "", so registering "" sets the default
// (nerve's reporter_type defaults to zookeeper). An unknown name is an error
// that lists the registered ones. ok is false when no config was made.
func DecodeTyped[T any](d *Decoder, n *yaml.Node, path, key string, registry map[string]func() T, also ...any) (cfg T, ok bool) {
	if n = d.deref(n); n == nil || isNull(n) {
		n = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"} // an empty section still needs its type
	}
	if n.Kind == yaml.AliasNode {
		d.expand(n, path, func(a *yaml.Node) { cfg, ok = DecodeTyped(d, a, path, key, registry, also...) })
		return cfg, ok
	}
	if n.Kind != yaml.MappingNode {
		d.Errorf(n, path, "cannot use %s as a mapping", describe(n))
		return cfg, false
	}
	name, vn := d.discriminator(n, path, key)
	newCfg, found := registry[strings.ToLower(name)]
	switch {
	case found:
		cfg = newCfg()
		d.decodeTargets(n, path, append([]any{cfg}, also...), keys{skip: key})
		return cfg, true
	case vn == nil:
		d.Errorf(n, path, "missing %s, one of: %s", key, knownNames(registry))
	default:
		d.Errorf(vn, KeyPath(path, key), "unknown %s %s, known: %s", key, describe(vn), knownNames(registry))
	}
	// Still check the shared keys, but without a type no key can be called unknown.
	d.decodeTargets(n, path, also, keys{quiet: true})
	return cfg, false
}

// discriminator returns the value under key and its node, nil if key is absent.
func (d *Decoder) discriminator(n *yaml.Node, path, key string) (string, *yaml.Node) {
	for _, p := range d.pairs(n, path, false) {
		if p.key.Value != key {
			continue
		}
		v := p.value
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		if isNull(v) {
			return "", nil
		}
		if v.Kind != yaml.ScalarNode {
			return "\x00", v // matches no name; the error describes v
		}
		return v.Value, v
	}
	return "", nil
}

func knownNames[T any](registry map[string]func() T) string {
	names := slices.Sorted(maps.Keys(registry))
	names = slices.DeleteFunc(names, func(s string) bool { return s == "" })
	return strings.Join(names, ", ")
}

// As returns cfg as *T: registries hand over a decoded *T, and callers
// building a config in code may pass a T. A nil *T or another type is not
// a T.
func As[T any](cfg any) (*T, bool) {
	switch v := cfg.(type) {
	case *T:
		return v, v != nil
	case T:
		return &v, true
	}
	return nil, false
}
