package config

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// pair is one mapping entry. via is the alias a merged entry came through:
// its value is decoded under that alias's guard, or `b: &b {w: {<<: *b}}`
// would never end.
type pair struct{ key, value, via *yaml.Node }

// guard runs f, as part of expanding p.via if p came through an alias.
func (d *Decoder) guard(p pair, path string, f func()) {
	if p.via == nil {
		f()
		return
	}
	d.expand(p.via, path, func(*yaml.Node) { f() })
}

// pairs lists the entries of mapping n with `<<` merge keys expanded. Each key
// appears once: a repeated key keeps its last value, as Psych does (with a
// warning, since one of the two values was surely not meant), and explicit
// keys win over merged ones.
func (d *Decoder) pairs(n *yaml.Node, path string, report bool) []pair {
	var out []pair
	at := map[string]int{}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge":
			merges = append(merges, v)
		case k.Kind != yaml.ScalarNode:
			if report {
				d.Errorf(k, path, "cannot use %s as a key, keys must be strings", describe(k))
			}
		case hasKey(at, k.Value):
			j := at[k.Value]
			if report {
				d.warn(k, KeyPath(path, k.Value), fmt.Sprintf("duplicate key, replaces the value at line %d", out[j].key.Line))
			}
			out[j] = pair{key: k, value: v}
		default:
			at[k.Value] = len(out)
			out = append(out, pair{key: k, value: v})
		}
	}
	for _, m := range merges {
		out = d.merge(out, at, m, path, nil)
	}
	return out
}

func hasKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

// merge adds the entries of a `<<` value (a mapping, an alias of one, or a list
// of those, earlier ones winning) that out does not have yet.
func (d *Decoder) merge(out []pair, at map[string]int, m *yaml.Node, path string, via *yaml.Node) []pair {
	switch m.Kind {
	case yaml.AliasNode:
		d.expand(m, path, func(a *yaml.Node) { out = d.merge(out, at, a, path, m) })
	case yaml.MappingNode:
		for _, p := range d.pairs(m, path, false) {
			if p.via == nil {
				p.via = via
			}
			if !hasKey(at, p.key.Value) {
				at[p.key.Value] = len(out)
				out = append(out, p)
			}
		}
	case yaml.SequenceNode:
		for _, c := range m.Content {
			if c.Kind == yaml.SequenceNode {
				d.Errorf(c, path, "cannot merge a list into a mapping")
				continue
			}
			out = d.merge(out, at, c, path, via)
		}
	default:
		d.Errorf(m, path, "cannot merge %s into a mapping", describe(m))
	}
	return out
}

type fieldInfo struct {
	index []int
	open  bool    // tagged `config:"open"`
	num   numText // tagged `config:"to_i"` or `config:"to_f"`
}

type structInfo struct {
	fields    map[string]fieldInfo
	keys      []string // sorted, for suggestions
	inlineMap []int    // a `yaml:",inline"` map that takes unknown keys
}

var structInfos sync.Map // reflect.Type -> *structInfo

// structInfoOf reads the yaml tags the way yaml.v3 does: the tag name or the
// lower-cased field name, "-" skipped, ",inline" structs flattened.
func structInfoOf(t reflect.Type) *structInfo {
	if si, ok := structInfos.Load(t); ok {
		return si.(*structInfo)
	}
	si := &structInfo{fields: map[string]fieldInfo{}}
	si.collect(t, nil)
	for k := range si.fields {
		si.keys = append(si.keys, k)
	}
	slices.Sort(si.keys)
	structInfos.Store(t, si)
	return si
}

func (si *structInfo) collect(t reflect.Type, prefix []int) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		inline := slices.Contains(strings.Split(opts, ","), "inline")
		// An embedded unexported struct still counts when inlined (a common
		// base like checks' type/rise/fall); reflect lets us set its fields.
		if tag == "-" || !f.IsExported() && !(inline && f.Anonymous && f.Type.Kind() == reflect.Struct) {
			continue
		}
		index := append(slices.Clone(prefix), i)
		if inline {
			switch {
			case f.Type.Kind() == reflect.Struct:
				si.collect(f.Type, index)
			case f.Type.Kind() == reflect.Map && f.Type.Key().Kind() == reflect.String && si.inlineMap == nil:
				si.inlineMap = index
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		if _, dup := si.fields[name]; !dup {
			si.fields[name] = fieldInfo{index: index, open: hasOpt(f.Tag, "open"), num: numTextOf(f.Tag)}
		}
	}
}

func hasOpt(tag reflect.StructTag, opt string) bool {
	return slices.Contains(strings.Split(tag.Get("config"), ","), opt)
}

func unknownKeyMsg(key string, infos []*structInfo, skip string) string {
	var known []string
	if skip != "" {
		known = append(known, skip)
	}
	for _, si := range infos {
		known = append(known, si.keys...)
	}
	if s := suggest(key, known); s != "" {
		return fmt.Sprintf("unknown key (did you mean %s?)", s)
	}
	return "unknown key"
}

// Suggest returns the key of known that key most likely misspells, or "":
// the did-you-mean of unknown-key warnings, for a check that must not
// repeat one (a missing key that is only misspelt).
func Suggest(key string, known ...string) string { return suggest(key, known) }

// KnownKeys lists the keys a struct (or a pointer to one) takes, sorted,
// for a did-you-mean built outside the decoder.
func KnownKeys(v any) []string {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	return slices.Clone(structInfoOf(t).keys)
}

// suggest returns the known key that key most likely misspells: the same key
// up to case, '_' and '-', or else the closest within a small edit distance
// (1 for short keys, 2 from 6 letters; none below 3 letters, where everything
// is close). Ties go to the alphabetically first key, for stable output.
func suggest(key string, known []string) string {
	nk := squash(key)
	for _, k := range known {
		if squash(k) == nk {
			return k
		}
	}
	limit := 2
	switch n := len([]rune(key)); {
	case n < 3:
		return ""
	case n < 6:
		limit = 1
	}
	best, bestDist := "", limit+1
	lk := strings.ToLower(strings.ReplaceAll(key, "-", "_"))
	for _, k := range known {
		if dist := editDistance(lk, k); dist < bestDist || dist == bestDist && k < best {
			best, bestDist = k, dist
		}
	}
	if bestDist > limit {
		return suffixOf(lk, known)
	}
	return best
}

// suffixOf returns the one known key that is key with a prefix, such as
// etcd_host for host (a section whose keys are namespaced), or with more
// after it, such as output_directory for output_dir. None if several.
func suffixOf(key string, known []string) string {
	found := ""
	for _, k := range known {
		if strings.HasSuffix(k, "_"+key) || len(key) >= 4 && strings.HasPrefix(k, key) {
			if found != "" {
				return ""
			}
			found = k
		}
	}
	return found
}

// squasher is built once: a Replacer per call was most of what synapse's
// config load spent in suggestions at 1,000 services.
var squasher = strings.NewReplacer("_", "", "-", "")

func squash(s string) string { return strings.ToLower(squasher.Replace(s)) }

// editDistance is the optimal-string-alignment distance: insertions,
// deletions, substitutions and swaps of neighbours ("hots" for "host") cost 1.
func editDistance(a, b string) int {
	s, t := []rune(a), []rune(b)
	prev2 := make([]int, len(t)+1)
	prev := make([]int, len(t)+1)
	cur := make([]int, len(t)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(s); i++ {
		cur[0] = i
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(t)]
}
