package watcher

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// GeneratorSections splits discovered generator config (for the zookeeper
// watcher, the data of generator_config_path read with config.Parse, which
// takes JSON too) into one raw section per generator name, for
// Snapshot.GeneratorConfig. An empty document or null gives nil, "no
// change". A root that is not a mapping is an error; the caller reports it
// and the service keeps its config. Validating each section is the
// generators' job, done by the synapse core.
func GeneratorSections(root *yaml.Node) (map[string]*yaml.Node, error) {
	for root != nil && root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil, nil
		}
		root = root.Content[0]
	}
	if root == nil || root.Kind == 0 || root.ShortTag() == "!!null" {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("generator config at line %d is not a mapping of generator name to section", root.Line)
	}
	out := make(map[string]*yaml.Node, len(root.Content)/2)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if k.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("generator config at line %d: generator names must be strings", k.Line)
		}
		out[k.Value] = root.Content[i+1] // a repeated name: the last wins, as in Ruby's JSON.parse
	}
	return out, nil
}
