package config

import (
	"errors"
	"strings"

	"gopkg.in/yaml.v3"
)

// Lookup returns the value under key in mapping n (documents and aliases
// followed), or nil: the node to point an error at.
func Lookup(n *yaml.Node, key string) *yaml.Node {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// Index returns element i of sequence n (documents and aliases followed),
// or nil.
func Index(n *yaml.Node, i int) *yaml.Node {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
		return nil
	}
	return n.Content[i]
}

// maxAliasHops bounds Resolve on alias chains; yaml.v3 builds none longer
// than one hop, so this only guards against hand-made trees.
const maxAliasHops = 64

// Resolve follows documents and aliases to the node they stand for; nil
// for nil, a zero node or an empty document.
func Resolve(n *yaml.Node) *yaml.Node {
	for range maxAliasHops {
		switch {
		case n == nil || n.Kind == 0:
			return nil
		case n.Kind == yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		case n.Kind == yaml.AliasNode:
			n = n.Alias
		default:
			return n
		}
	}
	return nil
}

// Unjoin splits an errors.Join result into its members, so each can be
// recorded at its own key.
func Unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, Unjoin(e)...)
		}
		return out
	}
	return []error{err}
}

// ErrorCount is the number of errors recorded so far, for a caller that
// must not add its own error on top of one the decoder reported.
func (d *Decoder) ErrorCount() int { return len(d.errs) }

// ErrorPathsSince lists the key paths of the errors recorded after the
// first n (see ErrorCount), for checks that must not report a key again.
func (d *Decoder) ErrorPathsSince(n int) []string {
	var out []string
	for _, err := range d.errs[min(n, len(d.errs)):] {
		var e *Error
		if errors.As(err, &e) {
			out = append(out, e.Path)
		}
	}
	return out
}

// Covered reports whether path, a key above it or a key below it is in
// paths: a second error there would only repeat the first.
func Covered(path string, paths []string) bool {
	for _, p := range paths {
		if p == path || below(p, path) || below(path, p) {
			return true
		}
	}
	return false
}

func below(path, parent string) bool {
	return len(path) > len(parent) && strings.HasPrefix(path, parent) && (path[len(parent)] == '.' || path[len(parent)] == '[')
}
