package config

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// JSONValue is open config content (labels, a label filter's value, a
// default server's fields) kept as a registration.Value: the file's key
// order survives, which decoding into map[string]any would lose, and
// scalars resolve as the original's YAML parser resolves them (`1` is a
// number, `on` is true). It is the YAML counterpart of Value.UnmarshalJSON;
// pkg/registration has none, and the config layer reads JSON files into
// YAML nodes too, so one adapter serves both.
type JSONValue struct{ registration.Value }

// UnmarshalConfig implements Unmarshaler. Null never reaches it (the
// decoder keeps the zero value, absent), so absent and null read the same.
func (j *JSONValue) UnmarshalConfig(d *Decoder, n *yaml.Node, path string) error {
	switch n.Kind {
	case yaml.MappingNode:
		members := make([]registration.Member, 0, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!merge" {
				return fmt.Errorf("line %d: keys here must be plain strings (no merge keys)", k.Line)
			}
			var c JSONValue
			d.Decode(v, KeyPath(path, k.Value), &c)
			members = append(members, registration.Member{Key: k.Value, Value: c.Value})
		}
		j.Value = registration.ObjectValue(members...)
	case yaml.SequenceNode:
		elems := make([]registration.Value, len(n.Content))
		for i, c := range n.Content {
			var e JSONValue
			d.Decode(c, IndexPath(path, i), &e)
			elems[i] = e.Value
		}
		j.Value = registration.ArrayValue(elems...)
	default:
		var x any
		d.Decode(n, path, &x)
		v, err := registration.ValueOf(x)
		if err != nil {
			return fmt.Errorf("cannot use %q as a JSON value: %w", n.Value, err)
		}
		j.Value = v
	}
	return nil
}
