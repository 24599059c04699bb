package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The CoolVDS blog shape: one `service` object with a name, no generator.
func TestSingularServiceHint(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`{"service": {"name": "user-service", "discovery": {"method": "zookeeper"}}}`,
			`did you mean "services": {"user-service": {...}}?`},
		{`{"service": {"discovery": {"method": "zookeeper"}}}`, `did you mean "services": {"<name>": {...}}?`},
	} {
		path := filepath.Join(t.TempDir(), "synapse.json")
		if err := os.WriteFile(path, []byte(tc.body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, err := Load(path, envOf(nil))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%s) = %v, want %q", tc.body, err, tc.want)
		}
	}
}
