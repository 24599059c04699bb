package fileoutput

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator"
)

// A dry run creates no directory, but still refuses one that could not be
// created.
func TestDryRunCreatesNoDirectory(t *testing.T) {
	dir := t.TempDir()
	want := filepath.Join(dir, "a", "b")
	if _, err := NewGenerator(Config{OutputDirectory: want}, generator.Options{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a")); !os.IsNotExist(err) {
		t.Fatalf("dry run created %s: %v", want, err)
	}
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{blocker, filepath.Join(blocker, "sub")} {
		_, err := NewGenerator(Config{OutputDirectory: bad}, generator.Options{DryRun: true})
		if err == nil || !strings.Contains(err.Error(), "is not present or creatable") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
