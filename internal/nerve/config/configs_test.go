package config

import (
	"path/filepath"
	"testing"
)

// Every shipped nerve config loads without errors or warnings.
func TestShippedConfigs(t *testing.T) {
	files, err := filepath.Glob("../../../configs/nerve*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no configs/nerve* files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			cfg := mustLoad(t, LoadOptions{Path: f})
			if len(cfg.Services) == 0 {
				t.Fatal("no services")
			}
			for name, s := range cfg.Services {
				if len(s.Payload()) == 0 || s.Reporter == nil {
					t.Errorf("service %s not built: %+v", name, s)
				}
			}
		})
	}
}
