package config

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFileMode(t *testing.T) {
	tests := []struct {
		name, line string // line is the file_mode line, "" for none
		want       fs.FileMode
		err        string
	}{
		{name: "unset", want: 0},
		{name: "yaml octal", line: "file_mode: 0640", want: 0o640},
		{name: "no leading zero", line: "file_mode: 600", want: 0o600},
		{name: "string", line: `file_mode: "0640"`, want: 0o640},
		{name: "not octal", line: "file_mode: 0680", err: `nerve.yaml:2: file_mode: "0680" is not an octal file mode such as 0644`},
		{name: "owner cannot write", line: "file_mode: 0444", err: `nerve.yaml:2: file_mode: "0444": 0444 does not let the owner read and write`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "nerve.yaml")
			src := "instance_id: i-1\n" + tt.line + "\nservices: {}\n"
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg, _, err := Load(LoadOptions{Path: path, Env: noEnv})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.FileMode != tt.want {
				t.Errorf("FileMode = %#o, want %#o", cfg.FileMode, tt.want)
			}
		})
	}
}
