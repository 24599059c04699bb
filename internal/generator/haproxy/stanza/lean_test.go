package stanza

import (
	"slices"
	"strings"
	"testing"
)

// fieldsArgs is what Args were before servers kept their lines only:
// strings.Fields of the line after the name, without "disabled".
func fieldsArgs(line string) (name string, args []string, live bool) {
	f := strings.Fields(line)
	if len(f) > 1 {
		name = f[1]
	}
	live = true
	args = []string{}
	for _, w := range f[min(2, len(f)):] {
		if w == "disabled" {
			live = false
			continue
		}
		args = append(args, w)
	}
	return name, args, live
}

func fieldsOption(args []string, k string) (string, bool) {
	i := slices.Index(args, k)
	if i < 0 || i+1 >= len(args) {
		return "", false
	}
	return args[i+1], true
}

// A Server reads its words from its line as strings.Fields splits them.
func TestLineServerReadsItsLine(t *testing.T) {
	for _, line := range []string{
		"server a:1 10.0.0.1:1 id 3 weight 7 check disabled",
		"server a:1 10.0.0.1:1 disabled id 3 weight 7",
		"server b 1.1.1.1:1 weight x",
		"server  c\t1.1.1.1:1  weight 2  agent-check   cookie c",
		"server d\u00a0e 1.1.1.1:1 weight\u20033 check",
		"server e",
		"server",
		"server disabled 1.1.1.1:1",
		"server f 1.1.1.1:1 weight",
		"",
	} {
		name, args, live := fieldsArgs(line)
		lean := LineServer(line)
		if lean.Name != name || lean.Live != live || lean.Line != line || !slices.Equal(lean.Words(), args) {
			t.Errorf("%q: %+v words %q, want name %q live %v words %q", line, lean, lean.Words(), name, live, args)
		}
		keywords := []string{"x", "cookie", "check", "agent-check", "weight", "id", "disabled"}
		want, wantOK := "", false
		for _, k := range keywords {
			if slices.Contains(args, k) {
				want, wantOK = k, true
				break
			}
		}
		if k, ok := lean.HasAny(keywords); k != want || ok != wantOK {
			t.Errorf("%q: HasAny = %q %v, want %q %v", line, k, ok, want, wantOK)
		}
		for _, k := range keywords {
			v1, ok1 := lean.Option(k)
			v2, ok2 := fieldsOption(args, k)
			if lean.Has(k) != slices.Contains(args, k) || v1 != v2 || ok1 != ok2 {
				t.Errorf("%q: Has/Option(%q) = %v %q %v, want %v %q %v", line, k, lean.Has(k), v1, ok1, slices.Contains(args, k), v2, ok2)
			}
		}
	}
}
