package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// LoadFile reads path, renders its ERB (env looks variables up; nil means
// os.LookupEnv) and decodes it into out. Synapse renders ERB; a daemon that
// must not (the original nerve does not) uses ReadFile and Decode instead.
func LoadFile(path string, env func(string) (string, bool), out any) ([]Warning, error) {
	data, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	if data, err = RenderERB(path, data, env); err != nil {
		return nil, err
	}
	return Decode(path, data, out)
}

// ReadFile reads a config file, with the originals' distinction between a
// missing file and an unreadable one. Errors are *Error.
func ReadFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		return data, nil
	}
	cause := err
	var pe *fs.PathError
	if errors.As(err, &pe) {
		cause = pe.Err // the path is in the message already
	}
	msg := "could not open config file: " + cause.Error()
	if errors.Is(err, fs.ErrNotExist) {
		msg = "config file does not exist"
	}
	return nil, &Error{File: path, Msg: msg, Err: err}
}

// Parse reads YAML, or JSON, into a document node. Valid JSON is read by
// encoding/json because yaml.v3 rejects some of it (`\/`, surrogate pairs);
// the result is the same tree either way. Errors are *Error.
func Parse(file string, data []byte) (*yaml.Node, error) {
	body := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if json.Valid(body) {
		return parseJSON(file, body)
	}
	n, err := parseYAML(data)
	if err == nil {
		return n, nil
	}
	if t := bytes.TrimSpace(body); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		// Meant as JSON: its error says what is wrong; yaml.v3's about the
		// same file is often about tabs, which JSON allows.
		return nil, jsonError(file, body)
	}
	return nil, yamlError(file, data, err)
}

func parseYAML(data []byte) (n *yaml.Node, err error) {
	defer func() {
		// A parser bug must not take a daemon down on reload.
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml parser failed: %v", r)
		}
	}()
	n = &yaml.Node{}
	if err := yaml.Unmarshal(data, n); err != nil {
		return nil, err
	}
	return n, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

func yamlError(file string, data []byte, err error) error {
	msg := err.Error()
	e := &Error{File: file, Err: err}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
		e.Line = problemLine(data, e.Line, msg)
	}
	e.Msg = "not valid yaml: " + strings.TrimPrefix(msg, "yaml: ")
	return e
}

// maxProblemScan bounds problemLine's work: a few hundred parses of a
// prefix of the file, only when the file is invalid.
const maxProblemScan = 200

// problemLine finds the line a syntax error is on. yaml.v3 reports the
// start of the enclosing block (its context mark) when it has one, which
// can be far above the mistake: an unclosed `[` or a mis-indented key deep
// in a service. The first prefix of the file, from that line on, that
// fails with the same message ends on the offending line; if none does
// within reach, yaml.v3's line stands.
func problemLine(data []byte, line int, msg string) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	for k := max(line, 1); k <= len(lines) && k < line+maxProblemScan; k++ {
		prefix := bytes.Join(lines[:k], nil)
		_, err := parseYAML(prefix)
		if err == nil {
			continue
		}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil && err.Error()[len(m[0]):] == msg {
			return k
		}
		if strings.TrimPrefix(err.Error(), "yaml: ") == strings.TrimPrefix(msg, "yaml: ") {
			return k
		}
	}
	return line
}

func jsonError(file string, data []byte) error {
	err := json.Unmarshal(data, new(any))
	e := &Error{File: file, Msg: fmt.Sprintf("not valid json: %v", err), Err: err}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		e.Line = lineAt(data, int(se.Offset))
	}
	return e
}

// lineAt returns the 1-based line of byte offset off.
func lineAt(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// parseJSON builds the node tree yaml.v3 would build for the same JSON:
// strings double-quoted, other scalars tagged so they resolve as JSON says.
func parseJSON(file string, data []byte) (*yaml.Node, error) {
	p := jsonParser{dec: json.NewDecoder(bytes.NewReader(data)), data: data}
	p.dec.UseNumber()
	root, err := p.value()
	if err != nil {
		return nil, &Error{File: file, Msg: fmt.Sprintf("not valid json: %v", err), Err: err}
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Line: 1, Column: 1, Content: []*yaml.Node{root}}, nil
}

type jsonParser struct {
	dec  *json.Decoder
	data []byte
	line int // line of the last token; tokens hold no newline, so its end is on it
	seen int64
}

func (p *jsonParser) token() (json.Token, error) {
	t, err := p.dec.Token()
	off := p.dec.InputOffset()
	p.line += bytes.Count(p.data[p.seen:off], []byte("\n"))
	p.seen = off
	return t, err
}

func (p *jsonParser) value() (*yaml.Node, error) {
	t, err := p.token()
	if err != nil {
		return nil, err
	}
	n := &yaml.Node{Line: p.line + 1, Kind: yaml.ScalarNode, Style: yaml.TaggedStyle}
	switch t := t.(type) {
	case json.Delim:
		return p.collection(n, t)
	case string:
		n.Tag, n.Value, n.Style = "!!str", t, yaml.DoubleQuotedStyle
	case json.Number:
		n.Tag, n.Value = numberTag(t), t.String()
	case bool:
		n.Tag, n.Value = "!!bool", strconv.FormatBool(t)
	case nil:
		n.Tag, n.Value = "!!null", "null"
	}
	return n, nil
}

func (p *jsonParser) collection(n *yaml.Node, open json.Delim) (*yaml.Node, error) {
	n.Kind, n.Tag, n.Style = yaml.SequenceNode, "!!seq", yaml.FlowStyle
	if open == '{' {
		n.Kind, n.Tag = yaml.MappingNode, "!!map"
	}
	for p.dec.More() {
		c, err := p.value()
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, c)
	}
	_, err := p.token() // the closing delimiter
	return n, err
}

// numberTag keeps integers beyond uint64 as floats, as yaml.v3 resolves them.
func numberTag(num json.Number) string {
	s := num.String()
	if strings.ContainsAny(s, ".eE") {
		return "!!float"
	}
	if _, err := strconv.ParseInt(s, 10, 64); err == nil {
		return "!!int"
	}
	if _, err := strconv.ParseUint(s, 10, 64); err == nil {
		return "!!int"
	}
	return "!!float"
}
