package testutil

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	redisBinary       = "redis-server"
	redisInstallHint  = "run `make deps` (or `apt-get install -y redis-server`)"
	redisReadyTimeout = 10 * time.Second
	redisStopGrace    = 5 * time.Second
)

// Redis is a real redis-server on 127.0.0.1 with no persistence, its files in
// a temp dir. Start one with StartRedis.
type Redis struct {
	Port int
	dir  string

	mu sync.Mutex
	p  *proc
}

// RedisInstalled reports why redis-server cannot be started here, or nil.
func RedisInstalled() error { return redisCheckDeps(redisBinary) }

func redisCheckDeps(bin string) error {
	if _, err := exec.LookPath(bin); err != nil {
		return fmt.Errorf("redis tests need %s: %w; %s", bin, err, redisInstallHint)
	}
	return nil
}

// StartRedis starts a redis-server for this test, waits until it answers and
// stops it by PID on cleanup. args are added to the command line, e.g.
// "--requirepass", "secret". It skips under -short and fails, never skips,
// when redis-server is not installed.
func StartRedis(t testing.TB, args ...string) *Redis {
	t.Helper()
	return startServer(t, "redis-server", RedisInstalled, func(dir string) (*Redis, error) {
		return startRedis(dir, args)
	})
}

func startRedis(dir string, args []string) (*Redis, error) {
	return retryBindRace(func(attempt int) (*Redis, bool, error) {
		r := &Redis{dir: filepath.Join(dir, fmt.Sprintf("redis-%d", attempt))}
		var err error
		if r.Port, err = freePort(); err != nil {
			return nil, false, err
		}
		if err = r.start(args); err != nil {
			return nil, false, err
		}
		if err = r.waitReady(redisReadyTimeout); err != nil {
			retry, err := giveUp(r, fmt.Errorf("redis-server on port %d not ready: %w\n%s", r.Port, err, r.LogTail()))
			return nil, retry, err
		}
		return r, false, nil
	})
}

func (r *Redis) start(args []string) error {
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return fmt.Errorf("redis dir: %w", err)
	}
	base := []string{
		"--bind", "127.0.0.1", "--port", strconv.Itoa(r.Port), "--dir", r.dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "",
	}
	p, err := startProc(procSpec{logPath: r.logPath(), bin: redisBinary, dir: r.dir, args: append(base, args...)})
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.p = p
	r.mu.Unlock()
	return nil
}

// waitReady polls until the server answers PING. Any reply counts, so a
// server started with --requirepass (which answers -NOAUTH) is ready too.
func (r *Redis) waitReady(timeout time.Duration) error {
	return Poll(timeout, func() error {
		select {
		case <-r.p.exited:
			return errors.New("redis-server exited")
		default:
		}
		return redisPing(r.Addr())
	})
}

func redisPing(addr string) error {
	line, err := redisPingReply(addr)
	if err != nil {
		return err
	}
	if line[0] != '+' && line[0] != '-' {
		return fmt.Errorf("unexpected PING reply %q", line)
	}
	return nil
}

// redisPingReply sends an inline PING and returns the reply line.
func redisPingReply(addr string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("read PING reply: %w", err)
	}
	return line, nil
}

// Addr is the server's host:port.
func (r *Redis) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(r.Port)) }

// PID is the server's process id, 0 once stopped.
func (r *Redis) PID() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.p.pid()
}

// Pause stops the process with SIGSTOP: connections are still accepted by
// the kernel but nothing answers, a hung server for timeout tests. Stop
// resumes it before stopping.
func (r *Redis) Pause() error { return r.signal(syscall.SIGSTOP) }

// Resume undoes Pause.
func (r *Redis) Resume() error { return r.signal(syscall.SIGCONT) }

func (r *Redis) signal(sig syscall.Signal) error {
	r.mu.Lock()
	p := r.p
	r.mu.Unlock()
	if p == nil {
		return errors.New("redis-server is not running")
	}
	return p.signal(sig)
}

// Stop stops the server by PID, SIGTERM then SIGKILL after a grace period.
// It is idempotent.
func (r *Redis) Stop() error {
	r.mu.Lock()
	p := r.p
	r.p = nil
	r.mu.Unlock()
	return p.stop(redisStopGrace)
}

func (r *Redis) logPath() string { return filepath.Join(r.dir, "redis.log") }

// LogTail returns the end of the server's log, for failure messages.
func (r *Redis) LogTail() string { return logTail(r.logPath(), 4096) }
