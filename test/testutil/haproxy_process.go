package testutil

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// StartHAProxyProcess is StartHAProxy without a test, for tools such as
// test/bench: it validates config, starts haproxy in dir (which the caller
// owns and removes) and waits until the stats socket answers. The caller
// must call Stop. The methods that fail a test (WriteConfig, Reload,
// WorkerPIDs) must not be used on the result; Procs, Command, TryReload,
// AwaitReload, CheckConfig and Stop report errors instead.
func StartHAProxyProcess(dir, config string) (*HAProxy, error) {
	bin, err := HAProxyBinary()
	if err != nil {
		return nil, err
	}
	h := &HAProxy{
		Dir: dir, ConfigPath: filepath.Join(dir, "haproxy.cfg"),
		StatsSocket: filepath.Join(dir, "admin.sock"), MasterSocket: filepath.Join(dir, "master.sock"),
		LogPath: filepath.Join(dir, "haproxy.log"), bin: bin,
	}
	if len(h.MasterSocket) > 100 {
		return nil, fmt.Errorf("socket path %s is too long for a UNIX socket; use a shorter temp dir", h.MasterSocket)
	}
	if !strings.Contains(h.Expand(config), "stats socket "+h.StatsSocket) {
		return nil, fmt.Errorf("haproxy config has no %q line", HAProxyStatsSocketLine)
	}
	if err := h.CheckConfig(config); err != nil {
		return nil, fmt.Errorf("invalid haproxy config: %w", err)
	}
	if err := os.Rename(filepath.Join(dir, "candidate.cfg"), h.ConfigPath); err != nil {
		return nil, fmt.Errorf("install haproxy config: %w", err)
	}
	if err := h.start(); err != nil {
		return nil, fmt.Errorf("start haproxy: %w", err)
	}
	if err := h.waitReady(); err != nil {
		_ = h.Stop()
		return nil, fmt.Errorf("haproxy not ready: %w", err)
	}
	return h, nil
}
