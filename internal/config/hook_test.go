package config

import (
	"errors"
	"fmt"
	"testing"

	"gopkg.in/yaml.v3"
)

// tFailing returns whatever error its test gives it.
type tFailing struct{ err error }

func (f *tFailing) UnmarshalConfig(_ *Decoder, _ *yaml.Node, _ string) error { return f.err }

func TestUnmarshalerErrors(t *testing.T) {
	own := &Error{File: "other", Path: "x", Msg: "kept as it is"}
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"plain error gets file, line and path", errTest, []string{"f:1: a: test cause"}},
		{"*Error kept", own, []string{"other: x: kept as it is"}},
		{"wrapped *Error kept", fmt.Errorf("ctx: %w", own), []string{"ctx: other: x: kept as it is"}},
		{"joined errors each recorded", errors.Join(errTest, own), []string{"f:1: a: test cause", "other: x: kept as it is"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := struct {
				A tFailing `yaml:"a"`
			}{A: tFailing{err: tc.err}}
			_, err := Decode("f", []byte("a: 1"), &got)
			equalLines(t, "errors", errorLines(err), tc.want)
			if !errors.Is(err, tc.err) && !errors.Is(err, errTest) {
				t.Errorf("%v does not wrap %v", err, tc.err)
			}
		})
	}
}

func TestDecodeRareKinds(t *testing.T) {
	var got struct {
		Big    uint64           `yaml:"big"`
		Signed int64            `yaml:"signed"`
		Array  [2]int           `yaml:"array"`
		IntKey map[int]string   `yaml:"int_key"`
		Ptr    **tStatsd        `yaml:"ptr"`
		Iface  fmt.Stringer     `yaml:"iface"`
		Nested map[string][]int `yaml:"nested"`
	}
	src := "big: 18446744073709551615\nsigned: 9223372036854775807\narray: [1, 2]\n" +
		"int_key: {1: a, x: b}\nptr: {port: 1}\niface: x\nnested: {a: [1, 2]}\n"
	_, err := Decode("f", []byte(src), &got)
	equalLines(t, "errors", errorLines(err), []string{
		`f:4: int_key.x: cannot use "x" as an integer`,
		"f:6: iface: internal error: cannot decode into interface fmt.Stringer",
	})
	if got.Big != 18446744073709551615 || got.Signed != 9223372036854775807 ||
		got.Array != [2]int{1, 2} || got.IntKey[1] != "a" || len(got.IntKey) != 1 || (**got.Ptr).Port != 1 ||
		len(got.Nested["a"]) != 2 {
		t.Errorf("got %+v", got)
	}
	var small struct {
		S int64 `yaml:"s"`
	}
	_, err = Decode("f", []byte("s: 18446744073709551615"), &small)
	equalLines(t, "errors", errorLines(err), []string{`f:1: s: cannot use "18446744073709551615" as an integer: out of range`})
}

func TestDecodeIntoOpenTargets(t *testing.T) {
	var s tStatsd
	rest := map[string]any{}
	d := NewDecoder("f")
	n, _ := Parse("f", []byte("host: h\nanything: 1"))
	d.Decode(n, "", &s, &rest)
	if d.Err() != nil || len(d.Warnings()) != 0 || s.Host != "h" || rest["anything"] != 1 {
		t.Errorf("err %v, warnings %v, %+v %+v", d.Err(), d.Warnings(), s, rest)
	}
	// A catch-all target quiets its own level only.
	var c tConfig
	n, _ = Parse("f", []byte("statsd: {hots: h}\nanything: 1"))
	d.Decode(n, "", &c, &rest)
	equalLines(t, "warnings", warningLines(d.Warnings()), []string{"f:1: statsd.hots: unknown key (did you mean host?)"})
	d.Decode(n, "", &s, nil)
	if d.Err() == nil {
		t.Error("a nil target did not fail")
	}
}
