package config

import (
	"github.com/smartstack-go/smartstack/internal/config"
	"gopkg.in/yaml.v3"
)

// rewriteMulti turns discovery_multi into the discovery section of a multi
// watcher, as the original does: {method: discovery_multi.method or multi,
// watchers: discovery_multi.watchers with primary set to the service's own
// discovery, resolver: discovery_multi.resolver}. Nil when multi is not a
// mapping (reported).
func (l *loader) rewriteMulti(src source, path string, discovery, multi *yaml.Node) *yaml.Node {
	mpath := config.KeyPath(path, "discovery_multi")
	multi = config.Resolve(multi)
	if multi.Kind != yaml.MappingNode {
		src.d.Errorf(multi, mpath, "cannot use %s as a mapping", multi.ShortTag())
		return nil
	}
	for i := 0; i+1 < len(multi.Content); i += 2 {
		switch k := multi.Content[i]; k.Value {
		case "method", "watchers", "resolver":
		default:
			l.warn(src.d, src.file, k, config.KeyPath(mpath, k.Value), "unknown key (discovery_multi takes method, watchers and resolver)")
		}
	}
	out := mapping(multi.Line)
	method := lookup(multi, "method")
	if !present(method) {
		method = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "multi", Line: multi.Line}
	}
	addPair(out, "method", method)
	watchers, replaced := withPrimary(lookup(multi, "watchers"), discovery, multi.Line)
	if replaced != nil {
		l.warn(src.d, src.file, replaced, mpath+".watchers.primary",
			"replaced by the service's discovery section")
	}
	addPair(out, "watchers", watchers)
	if r := lookup(multi, "resolver"); r != nil {
		addPair(out, "resolver", r)
	}
	return out
}

// withPrimary copies the watchers mapping with primary set to discovery (a
// null node when the service has none), replacing an existing primary in
// place. It returns the replaced key, if any.
func withPrimary(watchers, discovery *yaml.Node, line int) (*yaml.Node, *yaml.Node) {
	primary := discovery
	if !present(primary) {
		primary = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null", Line: line}
	}
	out := mapping(line)
	var replaced *yaml.Node
	if w := config.Resolve(watchers); w != nil && w.Kind == yaml.MappingNode {
		out.Line = w.Line
		for i := 0; i+1 < len(w.Content); i += 2 {
			k, v := w.Content[i], w.Content[i+1]
			if k.Value == "primary" {
				replaced, v = k, primary
			}
			out.Content = append(out.Content, k, v)
		}
	}
	if replaced == nil {
		addPair(out, "primary", primary)
	}
	return out, replaced
}

func mapping(line int) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line}
}

func addPair(m *yaml.Node, key string, v *yaml.Node) {
	k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: v.Line}
	m.Content = append(m.Content, k, v)
}
