package config

import (
	"encoding/json"
	"fmt"

	"gopkg.in/yaml.v3"
)

// canonical is a section's value as JSON with sorted keys: two sections are
// the same config exactly when their canonical forms are equal, whatever
// their layout, key order, anchors or file of origin.
func canonical(n *yaml.Node) string {
	if n == nil || n.Kind == 0 {
		return "null"
	}
	var v any
	if err := n.Decode(&v); err != nil {
		// Unreachable for a node that decoded above; keep it distinct anyway.
		return fmt.Sprintf("undecodable:%p", n)
	}
	b, err := json.Marshal(jsonable(v))
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}

// jsonable converts the map[any]any yaml.v3 makes for non-string keys.
func jsonable(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonable(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(k)] = jsonable(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonable(e)
		}
		return out
	}
	return v
}
