package testutil

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// rabbitProc is one process of a RabbitMQ test broker (the VM or epmd),
// its output appended to a shared log, its stdin held open by us.
type rabbitProc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	logf   *os.File
	exited chan struct{}
}

func startRabbitProc(logPath, bin string, env []string, args ...string) (*rabbitProc, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open rabbitmq log: %w", err)
	}
	fmt.Fprintf(logf, "=== testutil: starting %s at %s\n", bin, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = rabbitSysProcAttr()
	stdin, err := cmd.StdinPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	p := &rabbitProc{cmd: cmd, stdin: stdin, logf: logf, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait() // the exit status is in the log; stop only needs "gone"
		close(p.exited)
	}()
	return p, nil
}

func (p *rabbitProc) hasExited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

func (p *rabbitProc) pid() int {
	if p == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

func (p *rabbitProc) dialable(port int) error {
	if p.hasExited() {
		return errors.New("process exited")
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
	if err != nil {
		return err
	}
	return c.Close()
}

// stop sends SIGTERM (a graceful stop for the broker), then SIGKILL after
// grace. A nil p (never started) is fine.
func (p *rabbitProc) stop(grace time.Duration) error {
	if p == nil {
		return nil
	}
	defer p.logf.Close()
	defer p.stdin.Close()
	_ = p.cmd.Process.Signal(syscall.SIGTERM) // fails only if it already exited
	select {
	case <-p.exited:
		return nil
	case <-time.After(grace):
	}
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("kill %s (pid %d): %w", p.cmd.Path, p.cmd.Process.Pid, err)
	}
	<-p.exited
	return nil
}
