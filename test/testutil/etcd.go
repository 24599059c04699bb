package testutil

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

const (
	etcdBinary       = "etcd"
	etcdInstallHint  = "run `make deps` (or `apt-get install -y etcd-server`)"
	etcdReadyTimeout = 30 * time.Second
	etcdStopGrace    = 5 * time.Second
)

// Etcd is a real single-member etcd on 127.0.0.1 with the v2 API enabled
// (nerve's etcd reporter speaks v2 keys), its data in a temp dir. Start one
// with StartEtcd.
type Etcd struct {
	ClientPort int
	PeerPort   int
	dir        string

	mu sync.Mutex
	p  *proc
}

// EtcdInstalled reports why etcd cannot be started here, or nil.
func EtcdInstalled() error { return etcdCheckDeps(etcdBinary) }

func etcdCheckDeps(bin string) error {
	if _, err := exec.LookPath(bin); err != nil {
		return fmt.Errorf("etcd tests need %s: %w; %s", bin, err, etcdInstallHint)
	}
	return nil
}

// StartEtcd starts an etcd for this test, waits until its v2 keys API
// answers and stops it by PID on cleanup. It skips under -short and fails,
// never skips, when etcd is not installed.
func StartEtcd(t testing.TB) *Etcd {
	t.Helper()
	return startServer(t, "etcd", EtcdInstalled, startEtcd)
}

func startEtcd(dir string) (*Etcd, error) {
	return retryBindRace(func(attempt int) (*Etcd, bool, error) {
		e := &Etcd{dir: filepath.Join(dir, fmt.Sprintf("etcd-%d", attempt))}
		var err error
		if e.ClientPort, err = freePort(); err != nil {
			return nil, false, err
		}
		if e.PeerPort, err = freePort(); err != nil {
			return nil, false, err
		}
		if err = e.start(); err != nil {
			return nil, false, err
		}
		if err = e.waitReady(etcdReadyTimeout); err != nil {
			retry, err := giveUp(e, fmt.Errorf("etcd on port %d not ready: %w\n%s", e.ClientPort, err, e.LogTail()))
			return nil, retry, err
		}
		return e, false, nil
	})
}

func (e *Etcd) start() error {
	if err := os.MkdirAll(e.dir, 0o755); err != nil {
		return fmt.Errorf("etcd dir: %w", err)
	}
	client, peer := e.URL(), "http://"+net.JoinHostPort("127.0.0.1", strconv.Itoa(e.PeerPort))
	p, err := startProc(procSpec{logPath: e.logPath(), bin: etcdBinary, dir: e.dir, args: []string{
		"--name", "default", "--data-dir", filepath.Join(e.dir, "data"), "--enable-v2=true",
		"--listen-client-urls", client, "--advertise-client-urls", client,
		"--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
		"--initial-cluster", "default=" + peer, "--initial-cluster-state", "new",
		"--logger", "zap", "--log-outputs", "stderr"}})
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.p = p
	e.mu.Unlock()
	return nil
}

// waitReady polls the v2 keys API: /health would pass with v2 disabled.
func (e *Etcd) waitReady(timeout time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	return Poll(timeout, func() error {
		select {
		case <-e.p.exited:
			return errors.New("etcd exited")
		default:
		}
		resp, err := client.Get(e.URL() + "/v2/keys/")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET /v2/keys/: %s", resp.Status)
		}
		return nil
	})
}

// Addr is the client host:port.
func (e *Etcd) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(e.ClientPort)) }

// URL is the client URL, http://127.0.0.1:<port>.
func (e *Etcd) URL() string { return "http://" + e.Addr() }

// PID is the server's process id, 0 once stopped.
func (e *Etcd) PID() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.p.pid()
}

// Stop stops the server by PID, SIGTERM then SIGKILL after a grace period.
// It is idempotent.
func (e *Etcd) Stop() error {
	e.mu.Lock()
	p := e.p
	e.p = nil
	e.mu.Unlock()
	return p.stop(etcdStopGrace)
}

func (e *Etcd) logPath() string { return filepath.Join(e.dir, "etcd.log") }

// LogTail returns the end of the server's log, for failure messages.
func (e *Etcd) LogTail() string { return logTail(e.logPath(), 4096) }
