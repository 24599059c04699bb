// Package configtest holds test helpers for the config loaders of both
// daemons.
package configtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/config"
)

// Loader loads the config file at path and returns what the daemon would
// print about it.
type Loader func(path string) ([]config.Warning, error)

// GoldenMessages loads every testdata/*.yaml with load and compares its
// warnings and errors, one per line, with the .want file beside it; update
// rewrites the .want files instead.
func GoldenMessages(t *testing.T, load Loader, update bool) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.yaml: %v", err)
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".yaml"), func(t *testing.T) {
			warnings, err := load(path)
			compare(t, strings.TrimSuffix(path, ".yaml")+".want", Messages(warnings, err), update)
		})
	}
}

// Messages renders warnings and err as the golden files hold them.
func Messages(warnings []config.Warning, err error) string {
	var b strings.Builder
	for _, w := range warnings {
		b.WriteString("warning: " + w.String() + "\n")
	}
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			b.WriteString("error: " + line + "\n")
		}
	}
	return b.String()
}

func compare(t *testing.T, want, got string, update bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(want)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(data) {
		t.Errorf("messages differ from %s\n--- got\n%s--- want\n%s", want, got, data)
	}
}
