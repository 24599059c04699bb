package watchertest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/config"
	// The config file Discovery writes has a file_output section: a synapse
	// config needs a generator, and this one needs nothing running.
	_ "github.com/smartstack-go/smartstack/internal/generator/fileoutput"
	synapseconfig "github.com/smartstack-go/smartstack/internal/synapse/config"
	"github.com/smartstack-go/smartstack/internal/watcher"
)

// Registered requires method in the watcher registry with a config of type
// C, and returns a fresh one.
func Registered[C any](t testing.TB, method string) C {
	t.Helper()
	ty, ok := watcher.Lookup(method)
	if !ok {
		t.Fatalf("method %s not registered", method)
	}
	c, ok := ty.NewConfig().(C)
	if !ok {
		t.Fatalf("NewConfig gives %#v, want a %T", ty.NewConfig(), c)
	}
	return c
}

// DecodeWarning decodes src into cfg as a synapse.yaml discovery section
// and requires exactly one warning, naming key: an unknown key is warned
// about, never an error, so a typo cannot stop synapse.
func DecodeWarning(t testing.TB, src string, cfg any, key string) {
	t.Helper()
	warns, err := config.Decode("synapse.yaml", []byte(src), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 1 || !strings.Contains(warns[0].String(), key) {
		t.Fatalf("warnings %v, want one naming %s", warns, key)
	}
}

// Discovery writes a synapse config file as users write it, with one
// service whose discovery section is discovery (JSON, method included),
// loads it through the daemon's loader and returns that section as the
// watcher's config C.
func Discovery[C any](t testing.TB, method, discovery string) C {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "synapse.conf.json")
	doc, err := json.Marshal(map[string]any{
		"file_output": map[string]string{"output_directory": dir},
		"services":    map[string]any{"web": map[string]any{"discovery": json.RawMessage(discovery)}},
	})
	if err != nil {
		t.Fatalf("discovery section: %v", err)
	}
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, warns, err := synapseconfig.Load(path, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	spec, ok := cfg.Desired(warns).Services["web"]
	if !ok || spec.Method != method {
		t.Fatalf("service web: %+v", spec)
	}
	c, ok := spec.Discovery.(C)
	if !ok {
		t.Fatalf("discovery config %T, want %T", spec.Discovery, c)
	}
	return c
}

// Testdata is the package's testdata/name, for canned API answers.
func Testdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
