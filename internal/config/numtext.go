package config

import (
	"reflect"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// numText says whether a field takes a number written as a string, as the
// originals read the keys they pass through Ruby's to_i or to_f: puppet
// modules and other generators write `rise: "3"`. Tag such a field
// `config:"to_i"` (integers) or `config:"to_f"` (integers or decimals).
type numText uint8

const (
	numNone numText = iota
	numInt
	numFloat
)

func numTextOf(tag reflect.StructTag) numText {
	switch {
	case hasOpt(tag, "to_i"):
		return numInt
	case hasOpt(tag, "to_f"):
		return numFloat
	}
	return numNone
}

var (
	intText   = regexp.MustCompile(`^[+-]?[0-9]+$`)
	floatText = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$`)
)

// numeric returns n unchanged unless kind allows a number in a string and
// n is one: then a plain scalar holding that number, with a warning, so the
// field decodes it as if written without quotes. Other strings are left to
// fail as usual: Ruby's to_i would read "abc" as 0, which no config means.
func (d *Decoder) numeric(n *yaml.Node, path string, kind numText) *yaml.Node {
	if kind == numNone || n == nil {
		return n
	}
	s := n
	for s.Kind == yaml.AliasNode && s.Alias != nil {
		s = s.Alias
	}
	if s.Kind != yaml.ScalarNode || s.ShortTag() != "!!str" {
		return n
	}
	text := strings.TrimSpace(s.Value)
	switch {
	case intText.MatchString(text):
		text = decimalInt(text)
	case kind == numFloat && floatText.MatchString(text):
	default:
		return n
	}
	d.Warnf(s, path, "number written as a string %q; read as %s", s.Value, text)
	// Untagged, so YAML resolves it as it would have without the quotes.
	c := *s
	c.Tag, c.Style, c.Value = "", 0, text
	return &c
}

// decimalInt drops leading zeros, which YAML would read as octal and
// to_i reads as decimal: "010" is 10.
func decimalInt(s string) string {
	sign := ""
	if s[0] == '+' || s[0] == '-' {
		sign, s = s[:1], s[1:]
	}
	if s = strings.TrimLeft(s, "0"); s == "" {
		return "0"
	}
	if sign == "-" {
		return sign + s
	}
	return s
}
