// Package config holds the primitives nerve's and synapse's config schemas are
// built on: YAML/JSON decoding that names the key path of every problem, unknown
// keys collected as warnings (the originals ignore them, and real configs carry
// private keys), polymorphic sections, the seconds-based Duration, the ERB
// subset found in real configs, and file loading.
//
// Schemas are plain structs with `yaml` tags. Two extras:
//   - a field tagged `config:"open"` takes any keys below it without warnings
//     (map[string]any, yaml.Node and `yaml:",inline"` maps are open anyway);
//   - a type implementing Unmarshaler decodes itself, which is how a schema sets
//     defaults before decoding or picks a concrete type with DecodeTyped.
package config

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Error is one problem in a config file. Line is 0 and Path "" when unknown.
type Error struct {
	File  string
	Line  int
	Path  string // key path, e.g. services.web.checks[1].rise
	Value string // the offending scalar as written, if any
	Msg   string // what is wrong; messages of this package quote Value themselves
	Err   error  // cause, for errors.Is and errors.As
}

// Error formats as "<file>:<line>: <path>: <msg>", leaving out unknown parts.
func (e *Error) Error() string {
	msg := e.Msg
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	return locate(e.File, e.Line, e.Path) + msg
}

func (e *Error) Unwrap() error { return e.Err }

// Warning is a problem that does not stop the config from loading, such as an
// unknown key.
type Warning struct {
	File string
	Line int
	Path string
	Msg  string // e.g. `unknown key (did you mean "check_interval"?)`
}

func (w Warning) String() string { return locate(w.File, w.Line, w.Path) + w.Msg }

func locate(file string, line int, path string) string {
	var b strings.Builder
	switch {
	case file != "" && line > 0:
		fmt.Fprintf(&b, "%s:%d: ", file, line)
	case file != "":
		b.WriteString(file + ": ")
	case line > 0:
		fmt.Fprintf(&b, "line %d: ", line)
	}
	if path != "" {
		b.WriteString(path + ": ")
	}
	return b.String()
}

// Unmarshaler is implemented by config types that decode themselves, to set
// defaults first or to choose a concrete type from a discriminator key. The
// Prometheus defaults trick in this form:
//
//	func (s *Service) UnmarshalConfig(d *config.Decoder, n *yaml.Node, path string) error {
//		*s = Service{CheckInterval: config.Duration(500 * time.Millisecond)}
//		type plain Service // drops the method, so Decode does not recurse
//		d.Decode(n, path, (*plain)(s))
//		return nil
//	}
//
// A returned error is recorded at path; d.Errorf records more than one.
type Unmarshaler interface {
	UnmarshalConfig(d *Decoder, n *yaml.Node, path string) error
}

// Decoder decodes the nodes of one file, collecting errors and warnings so a
// single run reports every problem.
type Decoder struct {
	file        string
	errs        []error
	warnings    []Warning
	active      map[*yaml.Node]bool // anchors being expanded, to stop alias cycles
	depth       int                 // nesting, to stop pathological documents
	aliasVisits int                 // nodes decoded through aliases, to stop alias bombs
	tooBig      bool                // the bounds error is reported once
}

// NewDecoder returns a Decoder whose errors and warnings name file.
func NewDecoder(file string) *Decoder {
	return &Decoder{file: file}
}

// Decode parses data (YAML, or JSON, which is read as JSON so every valid JSON
// file loads) and decodes it into out, a pointer. Errors are *Error values
// joined with errors.Join.
func Decode(file string, data []byte, out any) ([]Warning, error) {
	n, err := Parse(file, data)
	if err != nil {
		return nil, err
	}
	d := NewDecoder(file)
	d.Decode(n, "", out)
	return d.Warnings(), d.Err()
}

// Decode decodes n into out, reporting problems under path. With more than one
// out, the same mapping is decoded into each (all must point to structs, whose
// own Unmarshaler is not called) and a key is unknown only if none of them
// knows it: this is how a section shares its keys with a polymorphic part.
func (d *Decoder) Decode(n *yaml.Node, path string, out ...any) {
	if len(out) == 1 {
		if v, ok := d.target(n, path, out[0]); ok {
			d.walk(n, path, v, false)
		}
		return
	}
	d.decodeTargets(n, path, out, keys{})
}

// Errorf records an error at path, taking line and value from n (which may be nil).
func (d *Decoder) Errorf(n *yaml.Node, path, format string, args ...any) {
	d.errs = append(d.errs, d.errorAt(n, path, fmt.Sprintf(format, args...)))
}

// Warnf records a warning at path, taking the line from n (which may be
// nil), for checks an Unmarshaler makes itself (a deprecated key).
func (d *Decoder) Warnf(n *yaml.Node, path, format string, args ...any) {
	w := Warning{File: d.file, Path: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		w.Line = n.Line
	}
	d.warnings = append(d.warnings, w)
}

// Warnings returns the warnings so far, in document order.
func (d *Decoder) Warnings() []Warning { return d.warnings }

// Err returns every error so far joined with errors.Join, or nil.
func (d *Decoder) Err() error { return errors.Join(d.errs...) }

func (d *Decoder) errorAt(n *yaml.Node, path, msg string) *Error {
	e := &Error{File: d.file, Path: path, Msg: msg}
	if n != nil {
		e.Line = n.Line
		if n.Kind == yaml.ScalarNode {
			e.Value = n.Value
		}
	}
	return e
}

// record files an error returned by an Unmarshaler, keeping *Error values (and
// the members of joined errors) as they are.
func (d *Decoder) record(n *yaml.Node, path string, err error) {
	if err == nil {
		return
	}
	var e *Error
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, err := range joined.Unwrap() {
			d.record(n, path, err)
		}
		return
	}
	if errors.As(err, &e) {
		d.errs = append(d.errs, err)
		return
	}
	ce := d.errorAt(n, path, err.Error())
	ce.Err = err
	d.errs = append(d.errs, ce)
}

func (d *Decoder) warn(n *yaml.Node, path, msg string) {
	d.warnings = append(d.warnings, Warning{File: d.file, Line: n.Line, Path: path, Msg: msg})
}

func (d *Decoder) target(n *yaml.Node, path string, out any) (reflect.Value, bool) {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		d.Errorf(n, path, "internal error: cannot decode into %T, need a non-nil pointer", out)
		return reflect.Value{}, false
	}
	return rv.Elem(), true
}

// KeyPath appends a mapping key to a key path. Keys that would make the path
// ambiguous are quoted: services["a.b"].
func KeyPath(path, key string) string {
	if key == "" || strings.ContainsAny(key, ".[]\" \t\n\r") || !strconv.CanBackquote(key) {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// IndexPath appends a list index to a key path: checks[1].
func IndexPath(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}
