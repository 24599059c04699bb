package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// nerveProc is a running nerve binary.
type nerveProc struct {
	cmd     *exec.Cmd
	done    chan struct{}
	logPath string
}

// startNerve writes cfg and runs bin with its admin socket and maintenance
// spool in dir, so nothing outside the run's temp dir is touched. It is
// killed with the benchmark (Pdeathsig) and stopped by PID through
// env.close otherwise.
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
	p := &nerveProc{done: make(chan struct{}), logPath: filepath.Join(dir, "nerve.log")}
	logf, err := os.Create(p.logPath)
	if err != nil {
		return nil, fmt.Errorf("nerve log: %w", err)
	}
	defer logf.Close()
	p.cmd = exec.Command(bin, "-c", path, "--admin-socket", filepath.Join(dir, "nerve.sock"),
		"--maintenance-dir", filepath.Join(dir, "maintenance"))
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start nerve: %w", err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	e.defer_(p.stop)
	return p, nil
}

func (p *nerveProc) pid() int { return p.cmd.Process.Pid }

// stop sends SIGTERM, then SIGKILL after 10 s (500 deregistrations); it is
// safe to call twice.
func (p *nerveProc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// exited reports an early exit, with the log's tail to say why.
func (p *nerveProc) exited() error {
	select {
	case <-p.done:
		b, _ := os.ReadFile(p.logPath)
		if len(b) > 2000 {
			b = b[len(b)-2000:]
		}
		return fmt.Errorf("nerve exited (%v):\n%s", p.cmd.ProcessState, b)
	default:
		return nil
	}
}
