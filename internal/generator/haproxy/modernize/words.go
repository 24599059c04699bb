package modernize

import (
	"errors"
	"strconv"
	"strings"
)

// word is one config word of a 1.x line: its text after HAProxy 1.x
// unescaping, and where it starts in the raw line (so the rest of a line,
// such as an if/unless condition, can be copied as written).
type word struct {
	text  string
	start int
}

var errQuoted = errors.New("quotes changed meaning between HAProxy 1.5 (literal) and 1.6 (quoting)")

// splitWords splits a line as HAProxy 1.x does: words are separated by
// unescaped blanks, "\ " is a space inside a word, "\#", "\\", "\t", "\r",
// "\n" and "\xNN" are escapes, any other backslash pair is kept for the
// regex engine, and an unescaped "#" starts a comment. A quote character
// is refused: 1.5 took it literally, 1.6 as quoting, so its meaning depends
// on the version the line was written for.
func splitWords(line string) ([]word, error) {
	var words []word
	var cur strings.Builder
	start := -1
	flush := func() {
		if start >= 0 {
			words = append(words, word{text: cur.String(), start: start})
			cur.Reset()
			start = -1
		}
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			flush()
			continue
		case c == '#':
			flush()
			return words, nil
		case c == '"' || c == '\'':
			return nil, errQuoted
		}
		if start < 0 {
			start = i
		}
		if c != '\\' || i+1 >= len(line) {
			cur.WriteByte(c)
			continue
		}
		i++
		switch e := line[i]; e {
		case ' ', '#', '\\':
			cur.WriteByte(e)
		case 't':
			cur.WriteByte('\t')
		case 'r':
			cur.WriteByte('\r')
		case 'n':
			cur.WriteByte('\n')
		case 'x':
			if i+2 < len(line) {
				if n, err := strconv.ParseUint(line[i+1:i+3], 16, 8); err == nil {
					cur.WriteByte(byte(n))
					i += 2
					continue
				}
			}
			cur.WriteString(`\x`)
		default:
			cur.WriteByte('\\')
			cur.WriteByte(e)
		}
	}
	flush()
	return words, nil
}

// quote writes s as one HAProxy 2.x word. Plain words stay bare; others go
// in single quotes, inside which 2.x interprets nothing (no escapes, no
// environment variables). A single quote or a control character cannot be
// written that way, and is refused rather than guessed at.
func quote(s string) (string, error) {
	if s == "" {
		return "''", nil
	}
	plain := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\'' || c < ' ' || c == 0x7f {
			return "", errors.New("it contains a quote or control character")
		}
		if strings.IndexByte(" \\\"#$", c) >= 0 {
			plain = false
		}
	}
	if plain {
		return s, nil
	}
	return "'" + s + "'", nil
}

// logFormat escapes s for a 2.x log-format argument, where "%" starts a
// variable: 1.x wrote such values as plain text.
func logFormat(s string) string { return strings.ReplaceAll(s, "%", "%%") }
