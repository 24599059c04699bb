package registration

import (
	"fmt"
	"unicode/utf8"
)

// This file writes JSON the way Ruby's JSON.generate (json gem, default
// options) does, which is what nerve stores and what base64 child names
// encode. It differs from encoding/json in that:
//   - '<', '>' and '&' are written as-is (Go escapes them by default);
//   - U+2028 and U+2029 are written as-is (Go always escapes them; Ruby only
//     with script_safe, which defaults to false);
//   - other control characters use lower-case hex (\u001f), \b and \f keep
//     their short forms; '/' and DEL (0x7f) are not escaped;
//   - invalid UTF-8 is an error (Ruby raises; Go writes U+FFFD).
// Remaining difference: Ruby's json >= 2.10 formats Floats with its own
// routine, which may spell some Floats differently from Float#to_s (used
// here). Floats do not occur in nerve's own payloads.

const hexDigits = "0123456789abcdef"

// appendValue appends v. In strict mode it fails where Ruby's generator
// fails; otherwise (for String) it substitutes and never fails.
func appendValue(dst []byte, v Value, strict bool) ([]byte, error) {
	switch v.kind() {
	case KindAbsent, KindNull:
		return append(dst, "null"...), nil
	case KindBool:
		return append(dst, v.text...), nil
	case KindNumber:
		if strict && !isJSONNumber(v.text) {
			return dst, fmt.Errorf("%s is not allowed in JSON", v.text)
		}
		return append(dst, v.text...), nil
	case KindString:
		return appendString(dst, v.text, strict)
	case KindArray:
		return appendArray(dst, v.elems(), strict)
	case KindObject:
		return appendObject(dst, v.members(), strict)
	}
	return dst, fmt.Errorf("unknown value kind %d", v.kind())
}

func appendArray(dst []byte, elems []Value, strict bool) ([]byte, error) {
	dst = append(dst, '[')
	for i, e := range elems {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendValue(dst, e, strict); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

func appendObject(dst []byte, members []Member, strict bool) ([]byte, error) {
	dst = append(dst, '{')
	for i, m := range members {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendString(dst, m.Key, strict); err != nil {
			return dst, err
		}
		dst = append(dst, ':')
		if dst, err = appendValue(dst, m.Value, strict); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// appendString writes s as a JSON string with Ruby's escaping.
func appendString(dst []byte, s string, strict bool) ([]byte, error) {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				if strict {
					return dst, fmt.Errorf("invalid UTF-8 in string %q", s)
				}
				dst = append(append(dst, s[start:i]...), `\ufffd`...)
				start = i + 1
			}
			i += size
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		dst = appendEscape(append(dst, s[start:i]...), c)
		i++
		start = i
	}
	return append(append(dst, s[start:]...), '"'), nil
}

func appendEscape(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\b':
		return append(dst, `\b`...)
	case '\f':
		return append(dst, `\f`...)
	case '\n':
		return append(dst, `\n`...)
	case '\r':
		return append(dst, `\r`...)
	case '\t':
		return append(dst, `\t`...)
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}
