package exec

import (
	"context"
	"errors"
	"fmt"
	osexec "os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

const (
	// maxOutput bounds the captured stdout+stderr. The tail is kept: a
	// failing script's last lines usually say why.
	maxOutput = 4096
	// waitDelay bounds how long a finished (or killed) command's pipes may
	// be held open by something it left behind.
	waitDelay = 100 * time.Millisecond
)

// Check runs the command once; see the package comment.
func (e *Check) Check(ctx context.Context) error {
	runCtx := ctx
	if e.timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, e.timeout)
		defer cancel()
	}
	out := &tail{}
	cmd := osexec.CommandContext(runCtx, e.argv[0], e.argv[1:]...)
	cmd.Env = e.env
	cmd.Stdout, cmd.Stderr = out, out // one writer: one pipe, output in order
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return killGroup(cmd) }
	cmd.WaitDelay = waitDelay
	err := cmd.Run()
	// What the command left running in its group dies too: a check that
	// leaks a process every round would exhaust the host in a day. A group
	// id is not reused while any member lives, and a new process only leads
	// a group it creates, so this cannot hit a stranger; ESRCH (nothing
	// left) is the usual outcome.
	_ = killGroup(cmd)
	switch {
	case err == nil, errors.Is(err, osexec.ErrWaitDelay) && cmd.ProcessState.Success():
		return nil
	case runCtx.Err() != nil && ctx.Err() == nil:
		return fmt.Errorf("exec check %q: timed out after %s, process group killed; output: %s", e.display, e.timeout, out)
	default:
		return fmt.Errorf("exec check %q: %w; output: %s", e.display, err, out)
	}
}

func killGroup(cmd *osexec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}

// tail keeps the last maxOutput bytes written to it.
type tail struct {
	mu      sync.Mutex
	buf     []byte
	dropped bool
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - maxOutput; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
		t.dropped = true
	}
	return len(p), nil
}

// String quotes the output so that it stays on one log line.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	q := strconv.Quote(string(t.buf))
	if t.dropped {
		return "(earlier output dropped) " + q
	}
	return q
}
