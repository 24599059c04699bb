package base

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/smartstack-go/smartstack/internal/generator/fileoutput"
	synapseconfig "github.com/smartstack-go/smartstack/internal/synapse/config"
)

// A base service without default_servers loads, as in the original, but
// the loader warns: it can never have a backend.
func TestConfigFileWarnsWithoutDefaultServers(t *testing.T) {
	tests := []struct {
		name, service string
		warn          bool
	}{
		{"no default servers", `{"discovery": {"method": "base"}}`, true},
		{"default servers", `{"discovery": {"method": "base"}, "default_servers": [{"name": "a", "host": "127.0.0.1", "port": 80}]}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "synapse.conf.json")
			doc := `{"file_output": {"output_directory": "` + dir + `"}, "services": {"static": ` + tc.service + `}}`
			if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
				t.Fatal(err)
			}
			_, warns, err := synapseconfig.Load(path, func(string) (string, bool) { return "", false })
			if err != nil {
				t.Fatal(err)
			}
			var got bool
			for _, w := range warns {
				s := w.String()
				if strings.Contains(s, "services.static") && strings.Contains(s, "default_servers is empty") {
					got = strings.HasPrefix(s, path+":")
				}
			}
			if got != tc.warn {
				t.Fatalf("warned %v, want %v: %v", got, tc.warn, warns)
			}
		})
	}
}
