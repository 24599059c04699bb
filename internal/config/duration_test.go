package config

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestDurationDecode(t *testing.T) {
	tests := []struct {
		name, src string
		want      time.Duration
		err       string
	}{
		{"integer seconds", "2", 2 * time.Second, ""},
		{"fractional seconds", "0.2", 200 * time.Millisecond, ""},
		{"leading dot", ".5", 500 * time.Millisecond, ""},
		{"zero", "0", 0, ""},
		{"nanosecond rounding", "0.1", 100 * time.Millisecond, ""},
		{"exponent", "1e-3", time.Millisecond, ""},
		{"go string", "250ms", 250 * time.Millisecond, ""},
		{"go string minutes", "1m30s", 90 * time.Second, ""},
		{"quoted seconds", `"2"`, 2 * time.Second, ""},
		{"quoted fraction", `'0.5'`, 500 * time.Millisecond, ""},
		{"spaces", `" 3 "`, 3 * time.Second, ""},
		{"negative", "-1", 0, `invalid duration "-1": must not be negative`},
		{"negative string", "-5s", 0, `invalid duration "-5s": must not be negative`},
		{"too large", "1e12", 0, `invalid duration "1e12": too large`},
		{"infinity", ".inf", 0, `invalid duration ".inf": want seconds`},
		{"nan word", "NaN", 0, `invalid duration "NaN": want seconds`},
		{"hex", "0x10", 0, `invalid duration "0x10": want seconds`},
		{"unit typo", "5 sec", 0, `invalid duration "5 sec": want seconds`},
		{"empty string", `""`, 0, `invalid duration "": want seconds`},
		{"list", "[1]", 0, "cannot use a list as a duration"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got struct {
				D Duration `yaml:"d"`
			}
			_, err := Decode("f", []byte("d: "+tc.src), &got)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), "f:1: d: "+tc.err) {
					t.Fatalf("got %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || time.Duration(got.D) != tc.want {
				t.Errorf("got %v %v, want %v", time.Duration(got.D), err, tc.want)
			}
		})
	}
}

func TestDurationPlainYAML(t *testing.T) {
	// Works without this package's decoder too, for code using yaml.v3 directly.
	var got struct {
		D Duration `yaml:"d"`
	}
	if err := yaml.Unmarshal([]byte("d: 0.25"), &got); err != nil || got.D != Duration(250*time.Millisecond) {
		t.Errorf("got %v %v", got.D, err)
	}
}

func TestDurationMarshal(t *testing.T) {
	tests := []struct {
		d        time.Duration
		yaml, js string
	}{
		{2 * time.Second, "2", "2"},
		{200 * time.Millisecond, "0.2", "0.2"},
		{0, "0", "0"},
		{90 * time.Second, "90", "90"},
		{1500 * time.Microsecond, "0.0015", "0.0015"},
	}
	for _, tc := range tests {
		t.Run(tc.d.String(), func(t *testing.T) {
			y, err := yaml.Marshal(Duration(tc.d))
			if err != nil || strings.TrimSpace(string(y)) != tc.yaml {
				t.Errorf("yaml %q %v, want %q", y, err, tc.yaml)
			}
			j, err := json.Marshal(Duration(tc.d))
			if err != nil || string(j) != tc.js {
				t.Errorf("json %s %v, want %s", j, err, tc.js)
			}
			var back Duration
			if err := yaml.Unmarshal(y, &back); err != nil || time.Duration(back) != tc.d {
				t.Errorf("round trip %v %v", time.Duration(back), err)
			}
		})
	}
	if s := Duration(1500 * time.Millisecond).String(); s != "1.5s" {
		t.Errorf("String() = %s", s)
	}
}
