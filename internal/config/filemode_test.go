package config

import (
	"io/fs"
	"strings"
	"testing"
)

func TestFileModeDecode(t *testing.T) {
	tests := []struct {
		name, file, src string
		want            fs.FileMode
		err             string
	}{
		{name: "yaml leading zero", file: "c.yaml", src: "file_mode: 0640", want: 0o640},
		{name: "yaml without zero", file: "c.yaml", src: "file_mode: 640", want: 0o640},
		{name: "yaml string", file: "c.yaml", src: `file_mode: "0600"`, want: 0o600},
		{name: "yaml 0o", file: "c.yaml", src: "file_mode: 0o644", want: 0o644},
		{name: "json number", file: "c.json", src: `{"file_mode": 640}`, want: 0o640},
		{name: "json string", file: "c.json", src: `{"file_mode": "0640"}`, want: 0o640},
		{name: "not octal", file: "c.yaml", src: "file_mode: 0648",
			err: `c.yaml:1: file_mode: "0648" is not an octal file mode such as 0644`},
		{name: "special bits", file: "c.yaml", src: "file_mode: 4755", err: `"4755" is not an octal file mode`},
		{name: "negative", file: "c.json", src: `{"file_mode": -1}`, err: `"-1" is not an octal file mode`},
		{name: "word", file: "c.yaml", src: "file_mode: rw-r-----", err: `"rw-r-----" is not an octal file mode`},
		{name: "list", file: "c.yaml", src: "file_mode: [644]", err: "file_mode: must be an octal file mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.file, []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			var v struct {
				FileMode FileMode `yaml:"file_mode"`
			}
			d := NewDecoder(tt.file)
			d.Decode(n, "", &v)
			err = d.Err()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || !v.FileMode.Set || v.FileMode.Mode != tt.want {
				t.Errorf("got %+v, %v; want %v", v.FileMode, err, tt.want)
			}
		})
	}
}

func TestCheckOwnerRW(t *testing.T) {
	for _, tt := range []struct {
		mode fs.FileMode
		ok   bool
	}{{0o600, true}, {0o640, true}, {0o644, true}, {0o400, false}, {0o200, false}, {0o044, false}, {0, false}} {
		t.Run(tt.mode.String(), func(t *testing.T) {
			if err := CheckOwnerRW(tt.mode); (err == nil) != tt.ok {
				t.Errorf("CheckOwnerRW(%#o) = %v, want ok %v", tt.mode, err, tt.ok)
			}
		})
	}
}
