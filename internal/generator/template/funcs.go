package template

import (
	"bytes"
	"encoding/json"
	"strconv"
	"text/template"
)

// funcs are the helpers for writing raw values safely: json writes any
// value as JSON (a string with its quotes), quote a double-quoted string
// with Go's backslash escapes, which nginx and most config languages
// read as one token.
var funcs = template.FuncMap{
	"json":  toJSON,
	"quote": strconv.Quote,
}

func toJSON(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}
