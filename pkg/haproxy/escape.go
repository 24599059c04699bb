package haproxy

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidCommand marks a command refused before sending because it would
// break the one-line framing (a newline, an unescaped ';', a trailing '\').
var ErrInvalidCommand = errors.New("invalid command")

var escaper = strings.NewReplacer(`\`, `\\`, `;`, `\;`)

// Escape makes s safe as one value inside a command: HAProxy's CLI reads '\'
// as an escape and ';' as a command separator. Spaces still separate words,
// so a value with spaces stays several words (server options such as
// "check inter 2s" rely on that).
func Escape(s string) string { return escaper.Replace(s) }

// refused starts a command a builder refused to build; the rest says why.
// A NUL byte, which validateCommand refuses anyway, so the line could
// never be sent even by a caller that skips the check.
const refused = "\x00"

// CheckArg reports whether s can be one word of a command: not empty, and
// without whitespace, control characters or ';', so that it can neither
// start a second command nor add words to its own. Names and values built
// from registrations pass it by construction (they are validated when
// they arrive); the builders check again so that no path can bypass it.
func CheckArg(s string) error {
	if p := argProblem(s); p != "" {
		return fmt.Errorf("haproxy: %w: %s", ErrInvalidCommand, p)
	}
	return nil
}

func argProblem(s string) string {
	if s == "" {
		return "empty argument"
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f || c == ';' {
			return fmt.Sprintf("argument %q contains %q", s, rune(c))
		}
	}
	return ""
}

// command builds "<verb> <backend>/<server> [args]", every word checked
// by CheckArg and escaped, or a refused line that says which word failed.
func command(verb, backend, server string, args ...string) string {
	p := argProblem(backend)
	if p == "" {
		p = argProblem(server)
	}
	for i := 0; i < len(args) && p == ""; i++ {
		p = argProblem(args[i])
	}
	if p != "" {
		return refused + verb + ": " + p
	}
	var b strings.Builder
	b.WriteString(verb)
	b.WriteByte(' ')
	b.WriteString(ServerRef(backend, server))
	for _, a := range args {
		b.WriteByte(' ')
		b.WriteString(Escape(a))
	}
	return b.String()
}

// validateCommand rejects what would change how HAProxy splits the line: the
// command must stay exactly one command, whether alone or inside a batch.
func validateCommand(cmd string) error {
	if reason, ok := strings.CutPrefix(cmd, refused); ok {
		return fmt.Errorf("haproxy: %w: refused to build %s", ErrInvalidCommand, reason)
	}
	if strings.TrimSpace(cmd) == "" {
		return fmt.Errorf("haproxy: %w: empty", ErrInvalidCommand)
	}
	if strings.ContainsAny(cmd, "\r\n\x00") {
		return fmt.Errorf("haproxy: %w %q: contains a line break or NUL", ErrInvalidCommand, cmd)
	}
	for i := 0; i < len(cmd); i++ {
		switch cmd[i] {
		case '\\':
			if i == len(cmd)-1 {
				return fmt.Errorf("haproxy: %w %q: ends in a lone '\\'", ErrInvalidCommand, cmd)
			}
			i++
		case ';':
			return fmt.Errorf("haproxy: %w %q: unescaped ';' (use Escape on values, Exec for several commands)", ErrInvalidCommand, cmd)
		}
	}
	return nil
}
