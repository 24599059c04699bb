package testutil

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	haproxyEnvBin       = "SMARTSTACK_HAPROXY_BIN"
	haproxyInstallHint  = "run `make deps` (or `apt-get install -y haproxy`)"
	haproxyReadyTimeout = 10 * time.Second
	haproxyStopGrace    = 5 * time.Second
	haproxySockTimeout  = 2 * time.Second
)

// Placeholders StartHAProxy, WriteConfig and CheckConfig replace in a config
// text, because the temp dir is only known once the helper made it.
const (
	HAProxyDirPlaceholder    = "@DIR@"          // the instance's temp dir
	HAProxySocketPlaceholder = "@STATS_SOCKET@" // <dir>/admin.sock
)

// HAProxyStatsSocketLine is the global line StartHAProxy needs to find its
// admin socket; HAProxyConfig already contains it.
const HAProxyStatsSocketLine = "stats socket " + HAProxySocketPlaceholder + " mode 600 level admin"

// HAProxyConfig returns a minimal global and defaults section (admin stats
// socket, one thread, short timeouts, hard-stop-after so an old worker with
// an open connection cannot outlive a test for long) followed by sections.
// Sections use TABs or spaces and free loopback ports from FreePort.
func HAProxyConfig(sections string) string {
	return "global\n" +
		"\t" + HAProxyStatsSocketLine + "\n" +
		"\tnbthread 1\n" +
		"\thard-stop-after 10s\n" +
		"\n" +
		"defaults\n" +
		"\tmode tcp\n" +
		"\ttimeout connect 1s\n" +
		"\ttimeout client 10s\n" +
		"\ttimeout server 10s\n" +
		"\n" + strings.TrimRight(sections, "\n") + "\n"
}

// HAProxy is a real haproxy in master-worker mode (-W -S), its config, stats
// socket, master socket and log in one temp dir. Start one with StartHAProxy.
type HAProxy struct {
	Dir          string
	ConfigPath   string
	StatsSocket  string // admin level, from HAProxyStatsSocketLine
	MasterSocket string // the master CLI: show proc, reload
	LogPath      string // stdout and stderr of master and workers

	t      testing.TB
	bin    string
	cmd    *exec.Cmd
	exited chan struct{}

	stopOnce sync.Once
	stopErr  error
}

// HAProxyBinary returns the haproxy to run: $SMARTSTACK_HAPROXY_BIN, else
// haproxy on PATH, else /usr/sbin/haproxy (PATH often lacks sbin). The error
// says how to install it.
func HAProxyBinary() (string, error) {
	if bin := os.Getenv(haproxyEnvBin); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			return "", fmt.Errorf("haproxy tests need %s=%s: %w; %s", haproxyEnvBin, bin, err, haproxyInstallHint)
		}
		return bin, nil
	}
	if bin, err := exec.LookPath("haproxy"); err == nil {
		return bin, nil
	}
	if _, err := os.Stat("/usr/sbin/haproxy"); err == nil {
		return "/usr/sbin/haproxy", nil
	}
	return "", fmt.Errorf("haproxy tests need haproxy, not found on PATH or in /usr/sbin; %s", haproxyInstallHint)
}

// StartHAProxy validates config with "haproxy -c", starts it, waits until the
// stats socket answers and stops it by PID on cleanup, showing its log if the
// test failed. config is a whole haproxy.cfg (HAProxyConfig(sections) is the
// easy way) with placeholders; it must contain HAProxyStatsSocketLine. It
// skips under -short and fails, never skips, when haproxy is not installed.
func StartHAProxy(t testing.TB, config string) *HAProxy {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping a test that starts haproxy")
	}
	bin, err := HAProxyBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	h := &HAProxy{
		Dir: dir, ConfigPath: filepath.Join(dir, "haproxy.cfg"),
		StatsSocket: filepath.Join(dir, "admin.sock"), MasterSocket: filepath.Join(dir, "master.sock"),
		LogPath: filepath.Join(dir, "haproxy.log"), t: t, bin: bin,
	}
	// sun_path holds 108 bytes; a long GOTMPDIR would otherwise surface as
	// a puzzling bind error from HAProxy.
	if len(h.MasterSocket) > 100 {
		t.Fatalf("socket path %s is too long for a UNIX socket; set GOTMPDIR to a short dir", h.MasterSocket)
	}
	expanded := h.Expand(config)
	if !strings.Contains(expanded, "stats socket "+h.StatsSocket) {
		t.Fatalf("haproxy config has no %q line; use HAProxyConfig or add it to global", HAProxyStatsSocketLine)
	}
	h.WriteConfig(config)
	if err := h.start(); err != nil {
		t.Fatalf("start haproxy: %v\nlog:\n%s", err, h.LogTail())
	}
	t.Cleanup(func() {
		err := h.Stop()
		if err != nil || t.Failed() {
			t.Logf("haproxy log %s:\n%s", h.LogPath, h.LogTail())
		}
		if err != nil {
			t.Error(err)
		}
	})
	if err := h.waitReady(); err != nil {
		t.Fatalf("haproxy not ready: %v", err)
	}
	return h
}

// Expand replaces the placeholders with this instance's paths.
func (h *HAProxy) Expand(config string) string {
	return strings.NewReplacer(HAProxySocketPlaceholder, h.StatsSocket, HAProxyDirPlaceholder, h.Dir).Replace(config)
}

func (h *HAProxy) start() error {
	logf, err := os.OpenFile(h.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	defer logf.Close() // the child has its own copy
	h.cmd = exec.Command(h.bin, "-W", "-S", h.MasterSocket, "-f", h.ConfigPath)
	h.cmd.Dir = h.Dir
	h.cmd.Stdout, h.cmd.Stderr = logf, logf
	h.cmd.SysProcAttr = haproxySysProcAttr()
	if err := h.cmd.Start(); err != nil {
		return fmt.Errorf("exec %s: %w", h.bin, err)
	}
	h.exited = make(chan struct{})
	go func() {
		_ = h.cmd.Wait()
		close(h.exited)
	}()
	return nil
}

// waitReady returns once a worker answers "show info" on the stats socket
// and the master CLI lists it (the master listens a little after the worker
// does), or at once when the master exits (bad bind, say).
func (h *HAProxy) waitReady() error {
	deadline := time.Now().Add(haproxyReadyTimeout)
	for {
		err := h.servedByWorker()
		if err == nil {
			return nil
		}
		select {
		case <-h.exited:
			return fmt.Errorf("haproxy exited (%v); log:\n%s", h.cmd.ProcessState, h.LogTail())
		case <-time.After(pollInterval):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("stats socket %s after %s: %w", h.StatsSocket, haproxyReadyTimeout, err)
		}
	}
}

// MasterPID is the pid of the master process, which stays the same across
// reloads.
func (h *HAProxy) MasterPID() int { return h.cmd.Process.Pid }

// Command sends one command to the stats socket on a fresh connection and
// returns the raw answer.
func (h *HAProxy) Command(cmd string) (string, error) {
	return haproxyQuery(h.StatsSocket, cmd)
}

// Stop terminates master and workers by PID: SIGTERM to the master (which
// stops its workers), SIGKILL after a bound, then a sweep of the process
// group it leads, so no worker survives the test. It is idempotent.
func (h *HAProxy) Stop() error {
	h.stopOnce.Do(func() { h.stopErr = h.stop() })
	return h.stopErr
}

func (h *HAProxy) stop() error {
	pid := h.cmd.Process.Pid
	_ = h.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-h.exited:
	case <-time.After(haproxyStopGrace):
		_ = h.cmd.Process.Kill()
		<-h.exited
	}
	for _, p := range haproxyGroup(pid) {
		_ = syscall.Kill(p, syscall.SIGKILL)
	}
	err := Poll(haproxyStopGrace, func() error {
		if left := haproxyGroup(pid); len(left) > 0 {
			return fmt.Errorf("haproxy processes %v of group %d still running", left, pid)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("stop haproxy: %w", err)
	}
	return nil
}

// LogTail returns the last lines of the log, for failure messages.
func (h *HAProxy) LogTail() string {
	b, err := os.ReadFile(h.LogPath)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 60 {
		lines = lines[len(lines)-60:]
	}
	return strings.Join(lines, "\n")
}

// errNoPid is returned while a stats socket answers without a Pid line.
var errNoPid = errors.New("show info has no Pid")
