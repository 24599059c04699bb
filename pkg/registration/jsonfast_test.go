package registration

import (
	"encoding/json"
	"testing"
)

// TestFastParserMatchesTokens checks that valid JSON reads the same
// through the fast parser as through encoding/json's Decoder.Token, errors
// included (nesting), over the fuzz seeds and cases that take each branch.
func TestFastParserMatchesTokens(t *testing.T) {
	deep := func(n int) string {
		s := ""
		for range n {
			s += "["
		}
		for range n {
			s += "]"
		}
		return s
	}
	cases := append([]string{
		`{}`, `[]`, ` { "a" : [ 1 , -0 , 2.50 , 1E2 , -1e-7 , true , false , null , "x" ] } `,
		`{"a":1,"a":2,"b":{"c":{}}}`, `"\u00e9\ud800x\\\"\/\b\f\n\r\t"`, "\"\xff\xfe\"",
		`{"host":"h","port":"3000","labels":{"az":"a","k\u0000":"v"}}`, `1.0e400`, `"é"`,
		deep(100), deep(101), `{"a":` + deep(100) + `}`, `[1,[2,[3]],{"x":[{}]}]`,
	}, dataSeeds...)
	for _, c := range cases {
		data := []byte(c)
		if !json.Valid(data) {
			continue // parseJSON takes the tokens way
		}
		fast, ferr := parseValidJSON(data)
		slow, serr := parseJSONTokens(data)
		if (ferr == nil) != (serr == nil) || (ferr != nil && ferr.Error() != serr.Error()) {
			t.Errorf("%q: fast error %v, tokens error %v", c, ferr, serr)
			continue
		}
		if ferr == nil && (!fast.Equal(slow) || fast.String() != slow.String()) {
			t.Errorf("%q: fast %v, tokens %v", c, fast, slow)
		}
	}
}

// FuzzFastParser: the fast parser and Decoder.Token agree on every valid
// document.
func FuzzFastParser(f *testing.F) {
	for _, s := range dataSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		fast, ferr := parseValidJSON(data)
		slow, serr := parseJSONTokens(data)
		if (ferr == nil) != (serr == nil) || (ferr != nil && ferr.Error() != serr.Error()) {
			t.Fatalf("%q: fast error %v, tokens error %v", data, ferr, serr)
		}
		if ferr == nil && (!fast.Equal(slow) || fast.String() != slow.String()) {
			t.Fatalf("%q: fast %v, tokens %v", data, fast, slow)
		}
	})
}

// BenchmarkParseChild is one nerve registration as the scale benchmark
// writes them.
func BenchmarkParseChild(b *testing.B) {
	data := []byte(`{"host":"127.0.3.4","port":8080,"name":"i-3-4","weight":1,"labels":{"az":"us-east-1a"}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseChild("i-3-4_0000000007", data, Format{}); err != nil {
			b.Fatal(err)
		}
	}
}
