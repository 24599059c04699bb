package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// synapseOpts are the knobs of the generated synapse config.
type synapseOpts struct {
	name            string // scenario, names the subdir
	services        []string
	zkRoot          string
	restartInterval float64 // seconds
	dynamicServers  string  // "" leaves synapse's default
	zkWatchMode     string  // "" leaves synapse's default
}

// synapseProc is a running synapse binary.
type synapseProc struct {
	*proc
	metricsAddr string
}

// synapseConfig is the JSON synapse reads. Services have no port, so no
// frontend is written: the benchmark reads HAProxy's runtime state, not
// traffic, and 1,000 frontends would need 1,000 free ports.
func synapseConfig(e *env, h *testutil.HAProxy, o synapseOpts, metricsPort int) map[string]any {
	services := map[string]any{}
	for _, s := range o.services {
		disc := map[string]any{"method": "zookeeper", "hosts": e.zk.Addrs(), "path": o.zkRoot + "/" + s}
		if o.zkWatchMode != "" {
			disc["zk_watch_mode"] = o.zkWatchMode
		}
		services[s] = map[string]any{"discovery": disc, "haproxy": map[string]any{"listen": []string{"mode tcp"}}}
	}
	ha := map[string]any{
		"config_file_path": h.ConfigPath, "socket_file_path": h.StatsSocket,
		"do_reloads": true, "reload_command": fmt.Sprintf("kill -USR2 %d", h.MasterPID()),
		"restart_interval": o.restartInterval, "use_nerve_weights": true,
		"global":   []string{"stats socket " + h.StatsSocket + " mode 600 level admin", "nbthread 1", "hard-stop-after 10s"},
		"defaults": []string{"mode tcp", "timeout connect 1s", "timeout client 10s", "timeout server 10s"},
	}
	if o.dynamicServers != "" {
		ha["dynamic_servers"] = o.dynamicServers
	}
	return map[string]any{
		"services":   services,
		"haproxy":    ha,
		"prometheus": map[string]any{"enabled": true, "bind": "127.0.0.1", "port": metricsPort},
	}
}

// startSynapse writes the config and runs the binary. It is killed with the
// benchmark (Pdeathsig) and stopped by PID through env.close otherwise.
func (e *env) startSynapse(h *testutil.HAProxy, o synapseOpts) (*synapseProc, error) {
	dir := filepath.Join(e.dir, o.name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("synapse dir: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(synapseConfig(e, h, o, port))
	if err != nil {
		return nil, fmt.Errorf("synapse config: %w", err)
	}
	cfg := filepath.Join(dir, "synapse.json")
	if err := os.WriteFile(cfg, b, 0o644); err != nil {
		return nil, fmt.Errorf("write synapse config: %w", err)
	}
	p, err := e.startProc("synapse", dir, 5*time.Second, e.synBin, "-c", cfg)
	if err != nil {
		return nil, err
	}
	return &synapseProc{proc: p, metricsAddr: fmt.Sprintf("127.0.0.1:%d", port)}, nil
}
