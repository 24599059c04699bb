package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// nerveProc is a running nerve binary.
type nerveProc struct{ *proc }

// startNerve writes cfg and runs bin with its admin socket and maintenance
// spool in dir, so nothing outside the run's temp dir is touched. SIGTERM
// gets 10 s (500 deregistrations) before SIGKILL.
func (e *env) startNerve(bin, name string, cfg map[string]any) (*nerveProc, error) {
	dir := filepath.Join(e.dir, name)
	if err := os.MkdirAll(filepath.Join(dir, "maintenance"), 0o755); err != nil {
		return nil, fmt.Errorf("nerve dir: %w", err)
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("nerve config: %w", err)
	}
	path := filepath.Join(dir, "nerve.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return nil, fmt.Errorf("write nerve config: %w", err)
	}
	p, err := e.startProc("nerve", dir, 10*time.Second, bin, "-c", path, "--admin-socket", filepath.Join(dir, "nerve.sock"),
		"--maintenance-dir", filepath.Join(dir, "maintenance"))
	if err != nil {
		return nil, err
	}
	return &nerveProc{p}, nil
}
