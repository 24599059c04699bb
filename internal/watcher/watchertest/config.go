package watchertest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/config"
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

// Section decodes src, a method's discovery keys as users write them
// (without `method`, which the daemon's loader reads), into cfg, which
// carries the method's defaults, and requires it to decode without a
// warning and to validate. What the loader adds (picking the method,
// service-level keys) is tested with the loader, in test/e2e.
func Section(t testing.TB, src string, cfg interface{ Validate() error }) {
	t.Helper()
	warns, err := config.Decode("synapse.conf.json", []byte(src), cfg)
	if err != nil || len(warns) > 0 {
		t.Fatalf("discovery section: %v %v", err, warns)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("discovery section: %v", err)
	}
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
