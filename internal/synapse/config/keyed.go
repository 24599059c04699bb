package config

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
)

// validateDiscovery reports the method config's Validate errors, each at
// its key ("hosts: missing" at discovery.hosts) when the message starts
// with one, skipping keys whose value the decoder has already refused: a
// hosts of the wrong type must not also read as missing.
func (l *loader) validateDiscovery(src source, node *yaml.Node, dpath string, cfg any, reported []string) {
	if v, ok := cfg.(interface{ Warnings() []string }); ok {
		for _, w := range v.Warnings() {
			at, kp, msg := keyed(node, dpath, w)
			l.warn(src.d, src.file, at, kp, msg)
		}
	}
	v, ok := cfg.(interface{ Validate() error })
	if !ok {
		return
	}
	for _, err := range config.Unjoin(v.Validate()) {
		at, kp, msg := keyed(node, dpath, err.Error())
		if config.Covered(kp, reported) {
			continue
		}
		src.d.Errorf(at, kp, "%s", msg)
	}
}

// keyed splits a "key: message" or "key[1].sub: message" text into the
// key's node and path below dpath and the message; other texts stay at
// dpath.
func keyed(node *yaml.Node, dpath, text string) (*yaml.Node, string, string) {
	key, msg, ok := strings.Cut(text, ": ")
	if !ok || key == "" || strings.ContainsAny(key, " \t\"'") {
		return node, dpath, text
	}
	at := node
	for _, part := range strings.FieldsFunc(key, func(r rune) bool { return r == '.' || r == '[' }) {
		var next *yaml.Node
		if i, err := strconv.Atoi(strings.TrimSuffix(part, "]")); err == nil && strings.HasSuffix(part, "]") {
			next = config.Index(at, i)
		} else {
			next = config.Lookup(at, part)
		}
		if next == nil {
			break
		}
		at = next
	}
	sep := "."
	if strings.HasPrefix(key, "[") {
		sep = ""
	}
	return at, dpath + sep + key, msg
}
