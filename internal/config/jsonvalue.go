package config

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/pkg/registration"
)

// JSONValue is open config content (labels, haproxy_server_options, a label
// filter's value, a default server's fields) kept as a registration.Value.
// It keeps the file's key order, which decoding into map[string]any would
// lose: nerve's payload bytes, and so a path-encoded child name, depend on
// it. Scalars resolve as the original's YAML parser (Psych) resolves them:
// `1` is a number, `on` is true, `1e5` is a string; a null member stays
// null; `<<` merge keys expand in Psych's order (psychEntries). It is the
// YAML counterpart of Value.UnmarshalJSON; pkg/registration has none, and
// the config layer reads JSON files into YAML nodes too, so one adapter
// serves both.
type JSONValue struct{ registration.Value }

// UnmarshalConfig implements Unmarshaler. A null at the top never reaches
// it (the decoder keeps the zero value, absent), so absent and null read
// the same.
func (j *JSONValue) UnmarshalConfig(d *Decoder, n *yaml.Node, path string) error {
	switch n.Kind {
	case yaml.MappingNode:
		entries, bad := psychEntries(n)
		if len(bad) > 0 {
			d.Errorf(bad[0], path, "cannot use %s as a key, keys must be strings", describe(bad[0]))
		}
		members := make([]registration.Member, 0, len(entries))
		for _, e := range entries {
			var c JSONValue
			d.Decode(e.value, KeyPath(path, e.key.Value), &c)
			members = append(members, registration.Member{Key: e.key.Value, Value: c.Value})
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
			return fmt.Errorf("cannot use %q in a JSON payload: %w", n.Value, err)
		}
		j.Value = v
	}
	return nil
}
