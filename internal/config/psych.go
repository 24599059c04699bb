package config

import "gopkg.in/yaml.v3"

// entry is one effective member of a mapping in Psych's reading.
type entry struct{ key, value *yaml.Node }

// psychEntries lists the entries of mapping n in the order, and with the
// values, the original's YAML parser (Psych) gives them: a `<<` merges its
// mapping (or, for a list, the mappings with earlier ones winning) at its
// own position, replacing keys seen so far; later keys replace merged ones.
// A replaced key keeps its first position, as in a Ruby Hash. This matters
// where order reaches payload bytes: labels. Non-string keys are returned
// in bad. Decoder.pairs reads struct fields, where order does not matter.
func psychEntries(n *yaml.Node) (entries []entry, bad []*yaml.Node) {
	p := psych{seen: map[*yaml.Node]bool{}}
	return p.mapping(Resolve(n)), p.bad
}

type psych struct {
	seen map[*yaml.Node]bool // mappings being expanded, to end `&a {<<: *a}`
	bad  []*yaml.Node
}

func (p *psych) mapping(n *yaml.Node) []entry {
	if n == nil || n.Kind != yaml.MappingNode || p.seen[n] {
		return nil
	}
	p.seen[n] = true
	defer delete(p.seen, n)
	var out []entry
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge":
			for _, m := range p.merged(Resolve(v)) {
				out = setEntry(out, m)
			}
		case k.Kind != yaml.ScalarNode:
			p.bad = append(p.bad, k)
		default:
			out = setEntry(out, entry{key: k, value: v})
		}
	}
	return out
}

// merged is what a `<<` value contributes.
func (p *psych) merged(m *yaml.Node) []entry {
	if m == nil || m.Kind != yaml.SequenceNode {
		return p.mapping(m)
	}
	var out []entry
	for i := len(m.Content) - 1; i >= 0; i-- {
		for _, e := range p.mapping(Resolve(m.Content[i])) {
			out = setEntry(out, e)
		}
	}
	return out
}

// setEntry replaces the value of e's key in entries (keeping its position,
// as a Ruby Hash does) or appends e.
func setEntry(entries []entry, e entry) []entry {
	for i := range entries {
		if entries[i].key.Value == e.key.Value {
			entries[i].value = e.value
			return entries
		}
	}
	return append(entries, e)
}
