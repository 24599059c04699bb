package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
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
	cmd         *exec.Cmd
	done        chan struct{}
	metricsAddr string
	logPath     string
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
	p := &synapseProc{done: make(chan struct{}), metricsAddr: fmt.Sprintf("127.0.0.1:%d", port), logPath: filepath.Join(dir, "synapse.log")}
	logf, err := os.Create(p.logPath)
	if err != nil {
		return nil, fmt.Errorf("synapse log: %w", err)
	}
	defer logf.Close()
	p.cmd = exec.Command(e.synBin, "-c", cfg)
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start synapse: %w", err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	e.defer_(p.stop)
	return p, nil
}

func (p *synapseProc) pid() int { return p.cmd.Process.Pid }

// stop sends SIGTERM, then SIGKILL after 5 s; it is safe to call twice.
func (p *synapseProc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// exited reports an early exit, with the log's tail to say why.
func (p *synapseProc) exited() error {
	select {
	case <-p.done:
		b, _ := os.ReadFile(p.logPath)
		if len(b) > 2000 {
			b = b[len(b)-2000:]
		}
		return fmt.Errorf("synapse exited (%v):\n%s", p.cmd.ProcessState, b)
	default:
		return nil
	}
}
