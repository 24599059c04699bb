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

// proc is one server process a helper started: its output appended to a
// log file, its exit observed by one goroutine, stopped by PID only.
type proc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser // held open when asked for: some servers stop on EOF
	logf   *os.File
	exited chan struct{}
}

type procSpec struct {
	logPath   string
	bin       string
	args      []string
	env       []string // nil: inherit
	dir       string
	holdStdin bool
}

func startProc(s procSpec) (*proc, error) {
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open log: %w", err)
	}
	fmt.Fprintf(logf, "=== testutil: starting %s at %s\n", s.bin, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(s.bin, s.args...)
	cmd.Env, cmd.Dir = s.env, s.dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = childSysProcAttr()
	p := &proc{cmd: cmd, logf: logf, exited: make(chan struct{})}
	if s.holdStdin {
		p.stdin, err = cmd.StdinPipe()
	}
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", s.bin, err)
	}
	go func() {
		_ = cmd.Wait() // the exit status is in the log; stop only needs "gone"
		close(p.exited)
	}()
	return p, nil
}

func (p *proc) hasExited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

func (p *proc) pid() int {
	if p == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

func (p *proc) signal(sig syscall.Signal) error {
	if err := p.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("signal %v to %s (pid %d): %w", sig, p.cmd.Path, p.pid(), err)
	}
	return nil
}

func (p *proc) dialable(port int) error {
	if p.hasExited() {
		return errors.New("process exited")
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
	if err != nil {
		return err
	}
	return c.Close()
}

// stop sends SIGCONT (a paused server cannot act on SIGTERM) and SIGTERM,
// then SIGKILL after grace. A nil p (never started) is fine.
func (p *proc) stop(grace time.Duration) error {
	if p == nil {
		return nil
	}
	defer p.logf.Close()
	if p.stdin != nil {
		defer p.stdin.Close()
	}
	_ = p.cmd.Process.Signal(syscall.SIGCONT)
	_ = p.cmd.Process.Signal(syscall.SIGTERM) // fails only if it already exited
	select {
	case <-p.exited:
		return nil
	case <-time.After(grace):
	}
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("kill %s (pid %d): %w", p.cmd.Path, p.pid(), err)
	}
	<-p.exited
	return nil
}

// logTail returns the last max bytes of a log file, for failure messages.
func logTail(path string, max int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return string(b)
}
