package dns

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// jsonValue is open config content (a server's name, port or labels) kept
// as a registration.Value, so labels keep the file's key order and scalars
// resolve as the config layer resolves them. internal/synapse has the same
// adapter unexported; importing the synapse core from a watcher would turn
// the dependency around.
type jsonValue struct{ registration.Value }

// UnmarshalConfig implements config.Unmarshaler.
func (j *jsonValue) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	switch n.Kind {
	case yaml.MappingNode:
		members := make([]registration.Member, 0, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!merge" {
				return fmt.Errorf("line %d: keys here must be plain strings (no merge keys)", k.Line)
			}
			var c jsonValue
			d.Decode(v, config.KeyPath(path, k.Value), &c)
			members = append(members, registration.Member{Key: k.Value, Value: c.Value})
		}
		j.Value = registration.ObjectValue(members...)
	case yaml.SequenceNode:
		elems := make([]registration.Value, len(n.Content))
		for i, c := range n.Content {
			var e jsonValue
			d.Decode(c, config.IndexPath(path, i), &e)
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
