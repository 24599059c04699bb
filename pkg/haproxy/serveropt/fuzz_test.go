package serveropt_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/pkg/haproxy/serveropt"
)

// safeToken is the character set every accepted token is drawn from.
func safeToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("._:/+=,@-", c) >= 0) {
			return false
		}
	}
	return s != ""
}

// FuzzParse holds Parse to its guarantees for any input: no panic; a
// refusal is an *Error; accepted options are safe tokens whose String()
// cannot end a line or command, comment, quote or escape, and parses back
// to the same options.
func FuzzParse(f *testing.F) {
	for _, tc := range accepted {
		f.Add(tc.in)
	}
	for _, tc := range refused {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		o, err := serveropt.Parse(in)
		if err != nil {
			var e *serveropt.Error
			if !errors.As(err, &e) || err.Error() == "" {
				t.Fatalf("Parse(%q) error %v (%T) is not an *Error", in, err, err)
			}
			return
		}
		s := o.String()
		if strings.ContainsAny(s, "\n\r\t#;\"'\\$`") || strings.Contains(s, "  ") {
			t.Fatalf("Parse(%q).String() = %q holds a separator, comment or quote", in, s)
		}
		toks := o.Tokens()
		if len(toks) > serveropt.MaxTokens || len(s) > serveropt.MaxLen {
			t.Fatalf("Parse(%q) = %d tokens, %d bytes: over the limits", in, len(toks), len(s))
		}
		for _, tok := range toks {
			if !safeToken(tok) {
				t.Fatalf("Parse(%q) token %q is outside the safe set", in, tok)
			}
		}
		again, err := serveropt.Parse(s)
		if err != nil {
			t.Fatalf("String() %q of Parse(%q) does not parse again: %v", s, in, err)
		}
		if !reflect.DeepEqual(again, o) || again.String() != s {
			t.Fatalf("Parse(String()) = %q, want %q", again.String(), s)
		}
		_ = o.CheckMode("tcp") // must not panic
	})
}
