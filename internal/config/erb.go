package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
)

const erbSupported = `only <%= ENV['NAME'] %> and <%= ENV.fetch('NAME', 'default') %> are supported`

// RenderERB renders the ERB found in real SmartStack configs:
//
//	<%= ENV['NAME'] %>                   the variable, "" if unset (Ruby's nil.to_s)
//	<%= ENV.fetch('NAME', 'default') %>  the variable if set (even to ""), else default
//	<%= ENV.fetch('NAME') %>             the variable; an error if unset (Ruby's KeyError)
//
// with either quote, optional spaces, and `-%>` dropping the newline after the
// tag. A `<%# comment %>` renders as nothing and `<%%` as a literal `<%`, as
// in Ruby. Every other tag is an error naming file and line, collected for the
// whole file. Text without "<%" is returned as it is. lookup nil means
// os.LookupEnv.
func RenderERB(file string, src []byte, lookup func(string) (string, bool)) ([]byte, error) {
	if !bytes.Contains(src, []byte("<%")) {
		return src, nil
	}
	if lookup == nil {
		lookup = os.LookupEnv
	}
	var out bytes.Buffer
	var errs []error
	pos, line, counted := 0, 1, 0
	for {
		i := bytes.Index(src[pos:], []byte("<%"))
		if i < 0 {
			out.Write(src[pos:])
			break
		}
		start := pos + i
		out.Write(src[pos:start])
		line += bytes.Count(src[counted:start], []byte("\n"))
		counted = start
		if bytes.HasPrefix(src[start+2:], []byte("%")) {
			out.WriteString("<%")
			pos = start + 3
			continue
		}
		end := bytes.Index(src[start+2:], []byte("%>"))
		if end < 0 {
			errs = append(errs, erbError(file, line, string(src[start:]), "unterminated erb tag, missing %>"))
			break
		}
		pos = start + 2 + end + 2
		tag := string(src[start:pos])
		val, trim, err := erbTag(tag[2:len(tag)-2], lookup)
		if err != nil {
			errs = append(errs, erbError(file, line, tag, err.Error()))
		}
		out.WriteString(val)
		if trim {
			pos = skipNewline(src, pos)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out.Bytes(), nil
}

func erbError(file string, line int, tag, msg string) error {
	short := tag
	if r := []rune(short); len(r) > 60 {
		short = string(r[:57]) + "..."
	}
	return &Error{File: file, Line: line, Value: short, Msg: fmt.Sprintf("erb tag %q: %s", short, msg)}
}

func skipNewline(src []byte, pos int) int {
	switch {
	case bytes.HasPrefix(src[pos:], []byte("\r\n")):
		return pos + 2
	case bytes.HasPrefix(src[pos:], []byte("\n")):
		return pos + 1
	}
	return pos
}

var errUnsupportedERB = errors.New("unsupported, " + erbSupported)

// erbTag evaluates the body of one tag (between "<%" and "%>").
func erbTag(body string, lookup func(string) (string, bool)) (val string, trim bool, err error) {
	if t, ok := strings.CutSuffix(body, "-"); ok {
		body, trim = t, true
	}
	switch {
	case strings.HasPrefix(body, "#"):
		return "", trim, nil
	case !strings.HasPrefix(body, "="):
		return "", trim, errUnsupportedERB
	}
	val, err = evalEnv(body[1:], lookup)
	return val, trim, err
}

// evalEnv evaluates ENV['NAME'], ENV.fetch('NAME') or ENV.fetch('NAME', 'default').
func evalEnv(expr string, lookup func(string) (string, bool)) (string, error) {
	s := &erbScanner{s: expr}
	if s.lit("ENV") && s.lit("[") {
		name, ok := s.str()
		if !ok || !s.lit("]") || !s.end() {
			return "", errUnsupportedERB
		}
		v, _ := lookup(name)
		return v, nil
	}
	s = &erbScanner{s: expr}
	if !s.lit("ENV") || !s.lit(".") || !s.lit("fetch") || !s.lit("(") {
		return "", errUnsupportedERB
	}
	name, ok := s.str()
	if !ok {
		return "", errUnsupportedERB
	}
	def, hasDef := "", false
	if s.lit(",") {
		if def, hasDef = s.str(); !hasDef {
			return "", errUnsupportedERB
		}
	}
	if !s.lit(")") || !s.end() {
		return "", errUnsupportedERB
	}
	if v, set := lookup(name); set {
		return v, nil
	}
	if !hasDef {
		return "", fmt.Errorf("environment variable %s is not set and ENV.fetch has no default", name)
	}
	return def, nil
}

// erbScanner reads the few Ruby tokens evalEnv needs, skipping spaces between.
type erbScanner struct {
	s string
	i int
}

func (s *erbScanner) skip() {
	for s.i < len(s.s) && strings.IndexByte(" \t\r\n", s.s[s.i]) >= 0 {
		s.i++
	}
}

func (s *erbScanner) lit(tok string) bool {
	s.skip()
	if !strings.HasPrefix(s.s[s.i:], tok) {
		return false
	}
	s.i += len(tok)
	return true
}

func (s *erbScanner) end() bool {
	s.skip()
	return s.i == len(s.s)
}

// str reads a Ruby string literal. Single quotes take only \\ and \' as
// escapes, as in Ruby. Double quotes would interpolate and take many escapes,
// so a backslash or '#' in them is refused rather than guessed at.
func (s *erbScanner) str() (string, bool) {
	s.skip()
	if s.i >= len(s.s) || (s.s[s.i] != '\'' && s.s[s.i] != '"') {
		return "", false
	}
	q := s.s[s.i]
	var b strings.Builder
	for i := s.i + 1; i < len(s.s); i++ {
		c := s.s[i]
		switch {
		case c == q:
			s.i = i + 1
			return b.String(), true
		case q == '"' && (c == '\\' || c == '#'):
			return "", false
		case c == '\\' && i+1 < len(s.s) && (s.s[i+1] == '\\' || s.s[i+1] == '\''):
			i++
			c = s.s[i]
		}
		b.WriteByte(c)
	}
	return "", false
}
