package haproxy

import (
	"fmt"
	"strconv"
)

// columns maps header names to positions. Rows keep their raw values and are
// read by name, so HAProxy adding, removing or reordering columns between
// versions breaks nothing.
type columns map[string]int

func newColumns(names []string) columns {
	c := make(columns, len(names))
	for i, n := range names {
		if _, dup := c[n]; n != "" && !dup {
			c[n] = i
		}
	}
	return c
}

// row is one line's values read through its header.
type row struct {
	cols columns
	vals []string
}

// Field returns the raw value of the named column and whether the line had
// it.
func (r row) Field(name string) (string, bool) {
	i, ok := r.cols[name]
	if !ok || i >= len(r.vals) {
		return "", false
	}
	return r.vals[i], true
}

// rowReader converts fields and keeps the first conversion error, so a
// parser reads all its fields and checks once.
type rowReader struct {
	row
	dash string // the placeholder this format writes for "no value"
	err  error
}

func (r *rowReader) str(name string) string {
	v, _ := r.Field(name)
	if v == r.dash {
		return ""
	}
	return v
}

func (r *rowReader) int(name string) int {
	return int(r.int64(name))
}

func (r *rowReader) int64(name string) int64 {
	v := r.str(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("column %s: %q is not a number", name, v)
	}
	return n
}

// require fails when a column the row cannot do without is absent or
// empty (the format's placeholder counts as empty).
func (r *rowReader) require(names ...string) error {
	for _, n := range names {
		if r.str(n) == "" {
			return fmt.Errorf("missing %s", n)
		}
	}
	return nil
}

// ParseError is one input line a parser skipped, or a problem with the input
// as a whole (Line 0).
type ParseError struct {
	Line int
	Text string
	Err  error
}

func (e *ParseError) Error() string {
	text := e.Text
	if len(text) > 80 {
		text = text[:80] + "..."
	}
	return fmt.Sprintf("line %d: %v: %q", e.Line, e.Err, text)
}

func (e *ParseError) Unwrap() error { return e.Err }
