package config

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestJSONValue(t *testing.T) {
	tests := []struct {
		name, src, want, err string
	}{
		{name: "order and scalars kept", src: "v: {b: 1, a: on, c: 1e5, d: null}",
			want: `{"b":1,"a":true,"c":"1e5","d":null}`},
		{name: "merge in Psych order", src: "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nv: {x: 0, <<: [*a, *b], w: 3}",
			want: `{"x":1,"y":1,"z":2,"w":3}`},
		{name: "merge cycle ends", src: "v: &v {k: 1, <<: *v}", want: `{"k":1}`},
		{name: "non-string key", src: "v: {[1]: x}", err: "cannot use a list as a key, keys must be strings"},
		{name: "nan", src: "v: [.nan]", err: `v[0]: cannot use ".nan" in a JSON payload`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse("f.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			var v struct {
				V JSONValue `yaml:"v"`
				A any       `yaml:"a"`
				B any       `yaml:"b"`
			}
			d := NewDecoder("f.yaml")
			d.Decode(n, "", &v)
			if err := d.Err(); tt.err != "" || err != nil {
				if err == nil || tt.err == "" || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			got, err := json.Marshal(v.V.Value)
			if err != nil || string(got) != tt.want {
				t.Errorf("got %s (%v), want %s", got, err, tt.want)
			}
		})
	}
}
