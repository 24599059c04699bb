package config

import (
	"testing"
)

// numbers is a schema whose keys the originals pass through to_i / to_f.
type numbers struct {
	Rise   int      `yaml:"rise" config:"to_i"`
	Seed   *int64   `yaml:"seed" config:"to_i"`
	Jitter float64  `yaml:"jitter" config:"to_f"`
	Count  int      `yaml:"count"`
	Timer  Duration `yaml:"timer" config:"to_f"`
}

func TestNumbersWrittenAsStrings(t *testing.T) {
	tests := []struct {
		name, src string
		want      numbers
		warns     []string
		errs      []string
	}{
		{name: "digits", src: `rise: "3"`, want: numbers{Rise: 3},
			warns: []string{`f.yaml:1: rise: number written as a string "3"; read as 3`}},
		{name: "leading zeros are decimal", src: `rise: "010"`, want: numbers{Rise: 10},
			warns: []string{`f.yaml:1: rise: number written as a string "010"; read as 10`}},
		{name: "spaces and sign", src: `rise: " -2 "`, want: numbers{Rise: -2},
			warns: []string{`f.yaml:1: rise: number written as a string " -2 "; read as -2`}},
		{name: "pointer", src: `seed: '42'`, want: numbers{Seed: ptr(int64(42))},
			warns: []string{`f.yaml:1: seed: number written as a string "42"; read as 42`}},
		{name: "float", src: `jitter: "0.5"`, want: numbers{Jitter: 0.5},
			warns: []string{`f.yaml:1: jitter: number written as a string "0.5"; read as 0.5`}},
		{name: "through an alias", src: "a: &x \"7\"\nrise: *x", want: numbers{Rise: 7},
			warns: []string{`f.yaml:1: a: unknown key`, `f.yaml:1: rise: number written as a string "7"; read as 7`}},
		{name: "plain numbers do not warn", src: "rise: 3\njitter: 1", want: numbers{Rise: 3, Jitter: 1}},
		{name: "a word stays an error", src: `rise: "three"`,
			errs: []string{`f.yaml:1: rise: cannot use "three" as an integer`}},
		{name: "a decimal is not an integer", src: `rise: "1.5"`,
			errs: []string{`f.yaml:1: rise: cannot use "1.5" as an integer`}},
		{name: "untagged key stays strict", src: `count: "3"`,
			errs: []string{`f.yaml:1: count: cannot use "3" as an integer`}},
		{name: "out of range after the string", src: `seed: "99999999999999999999"`,
			warns: []string{`f.yaml:1: seed: number written as a string "99999999999999999999"; read as 99999999999999999999`},
			errs:  []string{`f.yaml:1: seed: cannot use "99999999999999999999" as an integer: out of range`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got numbers
			ws, err := Decode("f.yaml", []byte(tt.src), &got)
			equalLines(t, "warnings", warningLines(ws), tt.warns)
			equalLines(t, "errors", errorLines(err), tt.errs)
			if err == nil && !sameNumbers(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func sameNumbers(a, b numbers) bool {
	if (a.Seed == nil) != (b.Seed == nil) || a.Seed != nil && *a.Seed != *b.Seed {
		return false
	}
	a.Seed, b.Seed = nil, nil
	return a == b
}

func ptr[T any](v T) *T { return &v }

func TestSuggestNamespacedKey(t *testing.T) {
	known := []string{"etcd_host", "etcd_path", "etcd_port", "check_interval"}
	for key, want := range map[string]string{"host": "etcd_host", "pth": "", "interval": "check_interval", "x_host": ""} {
		if got := suggest(key, known); got != want {
			t.Errorf("suggest(%q) = %q, want %q", key, got, want)
		}
	}
}
