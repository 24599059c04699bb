package config

import (
	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
)

// pair is one effective entry of a mapping.
type pair struct{ key, value *yaml.Node }

func isNull(n *yaml.Node) bool {
	n = config.Resolve(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func isMerge(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge"
}

// flatten lists the effective entries of mapping n the way internal/config
// reads them: `<<` merge keys expanded (explicit keys win, earlier merge
// sources win), a repeated key keeps its first position and its last value.
// dups are the keys that replaced an earlier one, each with the key it
// replaced; bad are non-string keys, which are left out. Values are returned as written (aliases included), so
// a decoder still guards them against alias cycles.
func flatten(n *yaml.Node) (pairs []pair, dups []pair, bad []*yaml.Node) {
	f := flattener{at: map[string]int{}, seen: map[*yaml.Node]bool{}}
	f.add(config.Resolve(n), true)
	return f.pairs, f.dups, f.bad
}

type flattener struct {
	pairs []pair
	at    map[string]int
	seen  map[*yaml.Node]bool // merge sources already expanded: `&a {<<: *a}` ends
	dups  []pair              // key: the repeated key, value: the key it replaced
	bad   []*yaml.Node
}

func (f *flattener) add(n *yaml.Node, explicit bool) {
	if n == nil || n.Kind != yaml.MappingNode || f.seen[n] {
		return
	}
	f.seen[n] = true
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch j, dup := f.at[k.Value]; {
		case isMerge(k):
			merges = append(merges, v)
		case k.Kind != yaml.ScalarNode:
			if explicit {
				f.bad = append(f.bad, k)
			}
		case dup && explicit:
			f.dups = append(f.dups, pair{key: k, value: f.pairs[j].key})
			f.pairs[j] = pair{key: k, value: v}
		case !dup:
			f.at[k.Value] = len(f.pairs)
			f.pairs = append(f.pairs, pair{key: k, value: v})
		}
	}
	for _, m := range merges {
		f.merge(config.Resolve(m))
	}
}

func (f *flattener) merge(m *yaml.Node) {
	if m == nil {
		return
	}
	if m.Kind == yaml.SequenceNode {
		for _, c := range m.Content {
			f.add(config.Resolve(c), false)
		}
		return
	}
	f.add(m, false)
}

// lookup returns the effective value under key, or nil.
func lookup(n *yaml.Node, key string) *yaml.Node {
	pairs, _, _ := flatten(n)
	for _, p := range pairs {
		if p.key.Value == key {
			return p.value
		}
	}
	return nil
}

// mapping builds a new mapping node from pairs. Rebuilt mappings never
// change the parsed tree, whose anchors other parts may alias.
func mapping(line int, pairs []pair) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line}
	for _, p := range pairs {
		m.Content = append(m.Content, p.key, p.value)
	}
	return m
}

// set replaces the value of key in pairs (keeping its position, as a Ruby
// hash does) or appends it.
func set(pairs []pair, p pair) []pair {
	for i := range pairs {
		if pairs[i].key.Value == p.key.Value {
			pairs[i].value = p.value
			return pairs
		}
	}
	return append(pairs, p)
}

// deepMerge is the Yelp overlay merge: mappings merge key by key,
// recursively; any other overlay value (null and lists included) replaces
// the base value.
func deepMerge(base, over *yaml.Node) *yaml.Node {
	b, o := config.Resolve(base), config.Resolve(over)
	if b == nil || o == nil || b.Kind != yaml.MappingNode || o.Kind != yaml.MappingNode {
		return over
	}
	pairs, _, _ := flatten(b)
	overPairs, _, _ := flatten(o)
	for _, op := range overPairs {
		if old := find(pairs, op.key.Value); old != nil {
			op.value = deepMerge(old, op.value)
		}
		pairs = set(pairs, op)
	}
	return mapping(b.Line, pairs)
}

func find(pairs []pair, key string) *yaml.Node {
	for _, p := range pairs {
		if p.key.Value == key {
			return p.value
		}
	}
	return nil
}
