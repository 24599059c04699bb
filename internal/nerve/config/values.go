package config

import (
	"fmt"
	"math"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// toValue converts a whole node tree, for fingerprints. Problems are left
// to the real decoding.
func toValue(n *yaml.Node) registration.Value {
	var j config.JSONValue
	config.NewDecoder("").Decode(n, "", &j)
	return j.Value
}

// portValue is a port kept in its JSON type: the original writes `port:
// "3000"` as a string and `port: 3000` as a number. Unlike the original, it
// must be usable as a port (an integer 0-65535, as a number or a digit
// string): anything else would be registered and then skipped by every
// synapse.
type portValue struct{ registration.Port }

func portError(n *yaml.Node) error {
	v := "a " + kindName(n)
	if n.Kind == yaml.ScalarNode {
		v = strconv.Quote(n.Value)
	}
	return fmt.Errorf("invalid port %s, want an integer 0-65535 (a number or a string of digits)", v)
}

// UnmarshalConfig implements config.Unmarshaler.
func (p *portValue) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
	if n.Kind != yaml.ScalarNode {
		return portError(n)
	}
	var x any
	d.Decode(n, path, &x)
	var port registration.Port
	switch x := x.(type) {
	case string:
		port = registration.StringPort(x)
	case int, uint64, float64:
		v, err := registration.ValueOf(x)
		if err == nil {
			port, err = registration.PortFromValue(v)
		}
		if err != nil {
			return portError(n)
		}
	default:
		return portError(n)
	}
	if _, err := port.Int(); err != nil {
		return portError(n)
	}
	p.Port = port
	return nil
}

// weightValue is the service's weight: a non-negative integer, or a string
// of digits, written to the payload as an integer (the original's check:
// to_i >= 0 and the text matches /^\d+$/).
type weightValue struct{ n *int }

// UnmarshalConfig implements config.Unmarshaler.
func (w *weightValue) UnmarshalConfig(_ *config.Decoder, n *yaml.Node, _ string) error {
	if v, ok := parseWeight(n); ok {
		w.n = &v
		return nil
	}
	return weightError(n)
}

func parseWeight(n *yaml.Node) (int, bool) {
	if n.Kind != yaml.ScalarNode {
		return 0, false
	}
	switch n.ShortTag() {
	case "!!int":
		var v int64
		if n.Decode(&v) != nil || v < 0 || v > math.MaxInt32 {
			return 0, false
		}
		return int(v), true
	case "!!str":
		if !isDigits(n.Value) {
			return 0, false
		}
		v, err := strconv.ParseInt(n.Value, 10, 32)
		return int(v), err == nil
	}
	return 0, false
}

func weightError(n *yaml.Node) error {
	v := "null"
	if n != nil && n.Kind == yaml.ScalarNode && !isNull(n) {
		v = strconv.Quote(n.Value)
	} else if n != nil && !isNull(n) {
		v = "a " + kindName(n)
	}
	return fmt.Errorf("invalid 'weight' argument in service data: %s, want a non-negative integer", v)
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func kindName(n *yaml.Node) string {
	n = config.Resolve(n)
	if n == nil {
		return "null"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "scalar"
}
