package render

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// templateVars are the keys Ruby's String#% gets in the original:
// {host:, port:, name:}.
type templateVars struct{ host, port, name string }

func (v templateVars) lookup(key string) (string, bool) {
	switch key {
	case "host":
		return v.host, true
	case "port":
		return v.port, true
	case "name":
		return v.name, true
	}
	return "", false
}

// errStray is a '%' that starts none of %{key}, %<key>s, %<key>d or %%.
// Ruby raises there and the original crashes; we report it.
var errStray = errors.New(`stray "%": write "%%" for a literal percent sign`)

// expand substitutes %{host}, %{port}, %{name} (and the %<key>s, %<key>d
// forms) and turns %% into %, as Ruby's String#% with a hash does.
func expand(s string, v templateVars) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		val, n, err := directive(s[i+1:], v)
		if err != nil {
			return "", fmt.Errorf("at byte %d: %w", i, err)
		}
		b.WriteString(val)
		i += n
	}
	return b.String(), nil
}

// directive reads what follows a '%' and returns its text and how many
// bytes it used.
func directive(rest string, v templateVars) (string, int, error) {
	switch {
	case strings.HasPrefix(rest, "%"):
		return "%", 1, nil
	case strings.HasPrefix(rest, "{"):
		key, n, err := braced(rest, '{', '}')
		if err != nil {
			return "", 0, err
		}
		val, ok := v.lookup(key)
		if !ok {
			return "", 0, fmt.Errorf("unknown key %%{%s}: want host, port or name", key)
		}
		return val, n, nil
	case strings.HasPrefix(rest, "<"):
		return formatted(rest, v)
	}
	return "", 0, errStray
}

// formatted handles %<key>s and %<key>d.
func formatted(rest string, v templateVars) (string, int, error) {
	key, n, err := braced(rest, '<', '>')
	if err != nil {
		return "", 0, err
	}
	val, ok := v.lookup(key)
	if !ok {
		return "", 0, fmt.Errorf("unknown key %%<%s>: want host, port or name", key)
	}
	if n == len(rest) {
		return "", 0, fmt.Errorf("%%<%s> needs a conversion: s or d", key)
	}
	switch rest[n] {
	case 's':
		return val, n + 1, nil
	case 'd':
		if _, err := strconv.Atoi(val); err != nil {
			return "", 0, fmt.Errorf("%%<%s>d: %q is not an integer", key, val)
		}
		return val, n + 1, nil
	}
	return "", 0, fmt.Errorf("%%<%s>%c: unsupported conversion, want s or d", key, rest[n])
}

// braced returns the key between opening and closing at the start of rest and
// the bytes used including both delimiters.
func braced(rest string, opening, closing byte) (string, int, error) {
	end := strings.IndexByte(rest, closing)
	if end < 0 {
		return "", 0, fmt.Errorf("unterminated %%%c", opening)
	}
	return rest[1:end], end + 1, nil
}
