package watchertest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/config"
	"github.com/smartstack-go/smartstack/internal/labelfilter"
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

// Discovery decodes discovery, a service's `discovery:` section as users
// write it (JSON, method included), as the daemon's loader decodes one: the
// method picks the registered config (defaults set), the keys are decoded
// into it, and its Validate must pass. It returns that config as C. The
// loader itself (internal/synapse/config) is not imported: watchers sit
// below the daemon; its tests load whole files.
func Discovery[C any](t testing.TB, method, discovery string) C {
	t.Helper()
	n, err := config.Parse("synapse.conf.json", []byte(discovery))
	if err != nil {
		t.Fatalf("discovery section: %v", err)
	}
	registry := map[string]func() any{}
	for _, m := range watcher.Methods() {
		ty, _ := watcher.Lookup(m)
		registry[m] = ty.NewConfig
	}
	if registry[method] == nil {
		t.Fatalf("method %s not registered", method)
	}
	// The label filter keys belong to the service, not to the method.
	var filters labelfilter.Section
	d := config.NewDecoder("synapse.conf.json")
	cfg, ok := config.DecodeTyped(d, n, "services.web.discovery", "method", registry, &filters)
	if err := d.Err(); err != nil || !ok {
		t.Fatalf("discovery section: %v", err)
	}
	if v, ok := cfg.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			t.Fatalf("discovery section: %v", err)
		}
	}
	c, ok := cfg.(C)
	if !ok {
		t.Fatalf("discovery config %T, want %T", cfg, c)
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
