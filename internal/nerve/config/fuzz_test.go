package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/smartstack-go/smartstack/internal/config"
)

// FuzzLoad feeds arbitrary main and overlay files to Load: it must return
// a config or errors, never panic, and every error must name a file.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.*")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data, []byte(`{"services": {"web": {"port": "80", "labels": {"<<": 1}}}}`))
		}
	}
	f.Add([]byte("a: &a {<<: *a}\nservices: {s: *a}\ninstance_id: *a"), []byte("- 1"))
	f.Fuzz(func(t *testing.T, main, overlay []byte) {
		dir := t.TempDir()
		mainPath, overlayPath := filepath.Join(dir, "nerve.yaml"), filepath.Join(dir, "overlay.yaml")
		if os.WriteFile(mainPath, main, 0o644) != nil || os.WriteFile(overlayPath, overlay, 0o644) != nil {
			t.Skip()
		}
		cfg, _, err := Load(LoadOptions{Path: mainPath, OverlayPath: overlayPath, Env: noEnv})
		if (cfg == nil) == (err == nil) {
			t.Fatalf("config %v with error %v", cfg, err)
		}
		for _, e := range config.Unjoin(err) {
			var ce *config.Error
			if !errors.As(e, &ce) || ce.File == "" || ce.Line >= lineStride {
				t.Fatalf("error without its file and line: %v", e)
			}
		}
	})
}
