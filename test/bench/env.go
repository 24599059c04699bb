package main

import (
	"fmt"
	"os"
	"path/filepath"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// env is what every scenario shares: one temp dir, one ZooKeeper and a
// writer connection to it. HAProxy and synapse are per scenario, so each
// starts from an empty config.
type env struct {
	dir     string
	zk      *testutil.ZooKeeper
	zc      *gozk.Conn
	synBin  string
	stopped []func()
}

// newEnv starts ZooKeeper under a fresh temp dir. TMPDIR is pointed there
// first because StartZooKeeperProcess makes its own dir with os.MkdirTemp,
// and the issue wants every file of the run in one place.
func newEnv(synBin string, keep bool) (*env, error) {
	dir, err := os.MkdirTemp("", "smartstack-bench-")
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	e := &env{dir: dir, synBin: synBin}
	e.stopped = append(e.stopped, func() {
		if keep {
			fmt.Fprintln(os.Stderr, "bench: kept", dir)
			return
		}
		os.RemoveAll(dir)
	})
	if err := os.Setenv("TMPDIR", dir); err != nil {
		e.close()
		return nil, fmt.Errorf("set TMPDIR: %w", err)
	}
	z, err := testutil.StartZooKeeperProcess()
	if err != nil {
		e.close()
		return nil, fmt.Errorf("start zookeeper: %w", err)
	}
	e.zk = z
	e.defer_(func() { _ = z.Stop() })
	zc, err := connectZK(z.Addrs())
	if err != nil {
		e.close()
		return nil, err
	}
	e.zc = zc
	e.defer_(zc.Close)
	return e, nil
}

// defer_ registers a stop function; close runs them last first.
func (e *env) defer_(f func()) { e.stopped = append(e.stopped, f) }

func (e *env) close() {
	for i := len(e.stopped) - 1; i >= 0; i-- {
		e.stopped[i]()
	}
	e.stopped = nil
}

// connectZK waits for a session so the first request does not pay for it.
func connectZK(addrs []string) (*gozk.Conn, error) { return testutil.DialZooKeeper(addrs) }

// startHAProxy starts a private HAProxy in its own subdir of the run's dir.
func (e *env) startHAProxy(name string) (*testutil.HAProxy, error) {
	dir := filepath.Join(e.dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("haproxy dir: %w", err)
	}
	h, err := testutil.StartHAProxyProcess(dir, testutil.HAProxyConfig(""))
	if err != nil {
		return nil, err
	}
	e.defer_(func() { _ = h.Stop() })
	return h, nil
}

// freePort returns a loopback port nobody listens on right now.
func freePort() (int, error) {
	p, err := testutil.PickFreePort()
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	return p, nil
}

// sub shares the run's dir and ZooKeeper but has its own stop list, so a
// scenario's HAProxy and synapse are gone before the next one starts.
func (e *env) sub() *env {
	return &env{dir: e.dir, zk: e.zk, zc: e.zc, synBin: e.synBin}
}
