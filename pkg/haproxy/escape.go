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

// validateCommand rejects what would change how HAProxy splits the line: the
// command must stay exactly one command, whether alone or inside a batch.
func validateCommand(cmd string) error {
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
