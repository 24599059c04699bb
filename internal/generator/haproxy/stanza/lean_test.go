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

// A Server without Args answers as one with them.
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
		full, lean := NewServer(line), LineServer(line)
		if full.Name != name || full.Live != live || !slices.Equal(full.Args, args) {
			t.Errorf("%q: NewServer %+v, want name %q live %v args %q", line, full, name, live, args)
		}
		if lean.Args != nil {
			t.Errorf("%q: LineServer set Args %q", line, lean.Args)
		}
		if full.Name != lean.Name || full.Live != lean.Live || full.Line != lean.Line {
			t.Errorf("%q: %+v, want %+v", line, lean, full)
		}
		if !slices.Equal(lean.Words(), full.Args) {
			t.Errorf("%q: words %q, want %q", line, lean.Words(), full.Args)
		}
		if lean.Addr() != full.Addr() || lean.Weight() != full.Weight() || lean.Shape() != full.Shape() ||
			lean.WithoutWeight() != full.WithoutWeight() {
			t.Errorf("%q: addr %q weight %d shape %q without weight %q, want %q %d %q %q", line,
				lean.Addr(), lean.Weight(), lean.Shape(), lean.WithoutWeight(), full.Addr(), full.Weight(), full.Shape(), full.WithoutWeight())
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
