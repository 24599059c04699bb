package synapse

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"

	"gopkg.in/yaml.v3"
)

// Normalizer turns a generator's raw per-service section (nil when the
// service has none) into that generator's config, with defaults filled
// and values validated: the original's normalize_watcher_provided_config,
// applied here to discovered config too. The original stored a
// ZooKeeper-supplied section as it came, so one without `listen` crashed
// the HAProxy generator. Results are compared with reflect.DeepEqual, so
// they should be plain data.
type Normalizer func(service, generator string, raw *yaml.Node) (any, error)

func (s *ServiceState) initGeneratorConfig(local map[string]*yaml.Node) error {
	s.known = make(map[string]bool, len(local))
	s.genCfg = make(map[string]any, len(local))
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(local)) {
		s.known[name] = true
		v, err := s.normalize(s.name, name, local[name])
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		s.genCfg[name] = v
	}
	return errors.Join(errs...)
}

// updateGeneratorConfig is update_config_for_generator. Empty raw means
// "nothing discovered": keep the current config. Otherwise every section
// is normalised; if one fails, the whole update is rejected and the
// current config kept. Sections of generators that are not configured are
// dropped with a warning. As in the original, the result replaces the whole
// map: a discovered map naming only haproxy takes the service out of
// file_output.
func (s *ServiceState) updateGeneratorConfig(raw map[string]*yaml.Node) (bool, error) {
	if len(raw) == 0 {
		return false, nil
	}
	next := make(map[string]any, len(raw))
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		if !s.known[name] {
			s.log.Warn("ignoring discovered config of a generator that is not configured", "generator", name)
			continue
		}
		if err := checkOneLine(raw[name], name); err != nil {
			errs = append(errs, err)
			continue
		}
		v, err := s.normalize(s.name, name, raw[name])
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		next[name] = v
	}
	if err := errors.Join(errs...); err != nil {
		return false, fmt.Errorf("service %s: rejected discovered generator config, keeping the current one: %w", s.name, err)
	}
	if len(next) == 0 || reflect.DeepEqual(next, s.genCfg) {
		return false, nil
	}
	s.genCfg = next
	return true, nil
}

// GeneratorConfig returns the service's normalised config for generator;
// false when the service is not enabled for it.
func (s *ServiceState) GeneratorConfig(generator string) (any, bool) {
	v, ok := s.genCfg[generator]
	return v, ok
}

// GeneratorConfigs returns a copy of the map of normalised configs. The
// values are shared: treat them as read-only.
func (s *ServiceState) GeneratorConfigs() map[string]any { return maps.Clone(s.genCfg) }

// checkOneLine refuses a discovered section any of whose strings (keys or
// values, at any depth) holds a control character other than TAB. Config
// that arrives over the network may say what its own lines say, but a
// newline inside one value would let it write lines of its choosing
// elsewhere in the file (another section, global), and NUL or CR would
// make the file something HAProxy reads differently from us.
func checkOneLine(n *yaml.Node, path string) error {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		for i := 0; i < len(n.Value); i++ {
			if c := n.Value[i]; (c < ' ' && c != '\t') || c == 0x7f {
				return fmt.Errorf("%s: control character %q in %q (line %d): each value must stay on one line", path, c, n.Value, n.Line)
			}
		}
		return nil
	}
	for i, c := range n.Content {
		p := path
		if n.Kind == yaml.MappingNode && i%2 == 1 {
			p = path + "." + n.Content[i-1].Value
		} else if n.Kind == yaml.SequenceNode {
			p = fmt.Sprintf("%s[%d]", path, i)
		}
		if err := checkOneLine(c, p); err != nil {
			return err
		}
	}
	return nil
}
