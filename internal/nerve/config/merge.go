package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
)

// expandServiceConfDir adds a service for every *.yaml, then every *.json
// file of service_conf_dir, named by its basename and replacing an inline
// service of that name, as the original does. The tree is rebuilt, not
// changed in place.
func (l *loader) expandServiceConfDir(root *yaml.Node) *yaml.Node {
	if root.Kind != yaml.MappingNode {
		return root // the decoder reports it
	}
	pairs := l.flattenReport(root, "")
	dirNode := find(pairs, "service_conf_dir")
	if isNull(dirNode) || config.Resolve(dirNode).Kind != yaml.ScalarNode {
		return mapping(root.Line, pairs)
	}
	services := find(pairs, "services")
	if !isNull(services) && config.Resolve(services).Kind != yaml.MappingNode {
		return mapping(root.Line, pairs) // services of the wrong type is reported later
	}
	files, err := serviceFiles(config.Resolve(dirNode).Value)
	if err != nil {
		l.fail(dirNode, "service_conf_dir", err)
		return mapping(root.Line, pairs)
	}
	var svcPairs []pair
	line := dirNode.Line
	if !isNull(services) {
		svcPairs, line = l.flattenReport(services, "services"), config.Resolve(services).Line
	}
	for _, file := range files {
		n, err := l.parse(file)
		if err != nil {
			continue // recorded
		}
		name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name, Line: n.Line}
		svcPairs = set(svcPairs, pair{key: key, value: n})
	}
	key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "services", Line: line}
	return mapping(root.Line, set(pairs, pair{key: key, value: mapping(line, svcPairs)}))
}

// serviceFiles lists the service files of dir, which is relative to the
// working directory: *.yaml before *.json, each sorted, so that with x.yaml
// and x.json the json one wins, as with the original's glob. Hidden files
// are skipped, as the glob skips them.
func serviceFiles(dir string) ([]string, error) {
	abs, err := expandPath(dir)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("service conf dir does not exist: %s", abs)
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, fmt.Errorf("cannot read service conf dir: %w", err)
	}
	var yamls, jsons []string
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, "."):
		case strings.HasSuffix(name, ".yaml"):
			yamls = append(yamls, filepath.Join(dir, name))
		case strings.HasSuffix(name, ".json"):
			jsons = append(jsons, filepath.Join(dir, name))
		}
	}
	return append(yamls, jsons...), nil
}

// expandPath is Ruby's File.expand_path for the cases configs use: a
// leading ~ and a path relative to the working directory.
func expandPath(p string) (string, error) {
	if p == "~" || strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("service conf dir %s: %w", p, err)
		}
		p = filepath.Join(home, p[1:])
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("service conf dir %s: %w", p, err)
	}
	return abs, nil
}

// applyOverlay deep-merges the Yelp overlay file onto root (nested maps
// key by key, anything else replaced): a missing or unreadable overlay is a warning, a blank one is {},
// one that is not valid YAML is an error.
func (l *loader) applyOverlay(root *yaml.Node, path string) *yaml.Node {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		l.warnings = append(l.warnings, config.Warning{File: path, Msg: "overlay config not found, ignored: " + err.Error()})
		return root
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return root
	}
	doc, err := config.Parse(path, data)
	l.src.add(path, doc)
	if err != nil {
		l.errs = append(l.errs, err)
		return root
	}
	over := config.Resolve(doc)
	switch {
	case over == nil:
		return root
	case over.Kind != yaml.MappingNode:
		l.fail(over, "", fmt.Errorf("overlay must be a mapping, got a %s", kindName(over)))
		return root
	case root.Kind != yaml.MappingNode:
		return root
	}
	l.flattenReport(over, "")
	if v := lookup(over, "service_conf_dir"); v != nil {
		l.warn(v, "service_conf_dir", "ignored in an overlay: service_conf_dir is read from the main config only")
	}
	return deepMerge(root, over)
}

// flattenReport flattens a mapping the decoder will not see as written,
// reporting what the decoder would have: repeated keys (a warning) and
// keys that are not strings (an error).
func (l *loader) flattenReport(n *yaml.Node, path string) []pair {
	pairs, dups, bad := flatten(n)
	for _, d := range dups {
		l.warn(d.key, config.KeyPath(path, d.key.Value), fmt.Sprintf("duplicate key, replaces the value at line %d", d.value.Line))
	}
	for _, k := range bad {
		l.fail(k, path, fmt.Errorf("cannot use a %s as a key, keys must be strings", kindName(k)))
	}
	return pairs
}

// OverlayModTime returns the overlay file's modification time; false when
// path is "" or the file cannot be read. The Yelp main loop reloads when
// this changes in any way, the file appearing or disappearing included.
func OverlayModTime(path string) (time.Time, bool) {
	if path == "" {
		return time.Time{}, false
	}
	st, err := os.Stat(path)
	if err != nil {
		return time.Time{}, false
	}
	return st.ModTime(), true
}
