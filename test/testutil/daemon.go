package testutil

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// daemonStopGrace is how long Stop waits after its signal before SIGKILL.
const daemonStopGrace = 5 * time.Second

// Daemon is a long-running process a whole-stack test or tool runs and
// disturbs (nerve, synapse, a backend): its output appended to a log
// file, its exit observed by one goroutine, killed with its parent
// (Pdeathsig), otherwise stopped by PID. It can be started again after
// an exit. Its methods are for one goroutine at a time.
type Daemon struct {
	Name    string
	Bin     string
	Args    []string
	LogPath string
	// Piped sends the output through a pipe that the parent copies to the
	// log, so a limit on the daemon's own writes (RLIMIT_FSIZE) does not
	// silence its log.
	Piped bool
	// Env is added to the test's environment for the daemon.
	Env    []string
	Starts int // how often Start succeeded

	cmd  *exec.Cmd
	done chan struct{}
}

// NewDaemon describes a daemon; Start runs it.
func NewDaemon(name, logPath, bin string, args ...string) *Daemon {
	return &Daemon{Name: name, Bin: bin, Args: args, LogPath: logPath}
}

// Start runs the process (again, after an exit).
func (d *Daemon) Start() error {
	logf, err := os.OpenFile(d.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("%s log: %w", d.Name, err)
	}
	fmt.Fprintf(logf, "=== testutil: starting %s at %s\n", d.Name, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(d.Bin, d.Args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if len(d.Env) > 0 {
		cmd.Env = append(os.Environ(), d.Env...)
	}
	if d.Piped {
		w := struct{ io.Writer }{logf} // not an *os.File: exec copies through a pipe
		cmd.Stdout, cmd.Stderr = w, w
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start %s: %w", d.Name, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait() // returns once the copying is done
		logf.Close()
		close(done)
	}()
	d.cmd, d.done = cmd, done
	d.Starts++
	return nil
}

// PID is the pid of the latest start, 0 before the first.
func (d *Daemon) PID() int {
	if d.cmd == nil {
		return 0
	}
	return d.cmd.Process.Pid
}

// Signal sends sig to the latest start.
func (d *Daemon) Signal(sig syscall.Signal) error {
	if d.cmd == nil {
		return fmt.Errorf("%s: never started", d.Name)
	}
	if err := d.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("%s: signal %v: %w", d.Name, sig, err)
	}
	return nil
}

// Stop sends SIGCONT (a stopped process cannot act on sig) and sig, and
// waits for the exit, SIGKILL after a grace period. It is a no-op before
// the first start and after an exit.
func (d *Daemon) Stop(sig syscall.Signal) {
	if d.cmd == nil {
		return
	}
	_ = d.cmd.Process.Signal(syscall.SIGCONT)
	_ = d.cmd.Process.Signal(sig)
	select {
	case <-d.done:
	case <-time.After(daemonStopGrace):
		_ = d.cmd.Process.Kill()
		<-d.done
	}
}

// Restart is Stop with sig, then Start.
func (d *Daemon) Restart(sig syscall.Signal) error {
	d.Stop(sig)
	return d.Start()
}

// Exited reports whether the latest start has exited.
func (d *Daemon) Exited() bool {
	if d.cmd == nil {
		return false
	}
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

// ExitState is the latest start's exit, nil while it runs.
func (d *Daemon) ExitState() *os.ProcessState {
	if !d.Exited() {
		return nil
	}
	return d.cmd.ProcessState
}

// LogTail is the end of the log, for failure messages.
func (d *Daemon) LogTail(max int) string { return logTail(d.LogPath, max) }
