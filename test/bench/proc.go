package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// proc is a daemon binary the benchmark runs: its output goes to a log
// file in the run's dir, it dies with the benchmark (Pdeathsig) and is
// stopped by PID through env.close otherwise.
type proc struct {
	name    string
	cmd     *exec.Cmd
	done    chan struct{}
	logPath string
	grace   time.Duration // between SIGTERM and SIGKILL
}

// startProc runs bin with args, logging to dir/<name>.log.
func (e *env) startProc(name, dir string, grace time.Duration, bin string, args ...string) (*proc, error) {
	p := &proc{name: name, done: make(chan struct{}), logPath: filepath.Join(dir, name+".log"), grace: grace}
	logf, err := os.Create(p.logPath)
	if err != nil {
		return nil, fmt.Errorf("%s log: %w", name, err)
	}
	defer logf.Close()
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	e.defer_(p.stop)
	return p, nil
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

// stop sends SIGTERM, then SIGKILL after the grace; it is safe to call
// twice.
func (p *proc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(p.grace):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// exited reports an early exit, with the log's tail to say why.
func (p *proc) exited() error {
	select {
	case <-p.done:
		b, _ := os.ReadFile(p.logPath)
		if len(b) > 2000 {
			b = b[len(b)-2000:]
		}
		return fmt.Errorf("%s exited (%v):\n%s", p.name, p.cmd.ProcessState, b)
	default:
		return nil
	}
}
