package testutil

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// ZooKeeper is a real Apache ZooKeeper, standalone or an ensemble, listening
// only on 127.0.0.1. Start one with StartZooKeeper, StartZooKeeperEnsemble,
// SharedZooKeeper (one per test package) or StartZooKeeperProcess.
type ZooKeeper struct {
	dir     string
	ownDir  bool // made by StartZooKeeperProcess, removed by Stop
	shared  bool // the package-wide server: tests must not stop its nodes
	nodes   []*zkNode
	tls     *ZKTLS // nil: no secure client port
	stopped bool
}

// ZooKeeperInstalled reports why ZooKeeper cannot be started here, or nil.
func ZooKeeperInstalled() error {
	return zkCheckDeps("java", zkJar)
}

func zkCheckDeps(java, jar string) error {
	if _, err := exec.LookPath(java); err != nil {
		return fmt.Errorf("zookeeper needs %s: %w; %s", java, err, zkInstallHint)
	}
	if _, err := os.Stat(jar); err != nil {
		return fmt.Errorf("zookeeper jar missing: %w; %s", err, zkInstallHint)
	}
	return nil
}

// requireZooKeeper skips under -short and fails, never skips, when the
// ZooKeeper package is missing.
func requireZooKeeper(t testing.TB) {
	t.Helper()
	requireServer(t, "ZooKeeper", ZooKeeperInstalled)
}

// StartZooKeeper starts a standalone ZooKeeper for this test alone and stops
// it on cleanup. Prefer SharedZooKeeper unless the test stops the server.
func StartZooKeeper(t testing.TB) *ZooKeeper {
	t.Helper()
	return StartZooKeeperEnsemble(t, 1)
}

// StartZooKeeperEnsemble starts n servers (1 = standalone) that form one
// ensemble, waits until every one serves, and stops them on cleanup.
func StartZooKeeperEnsemble(t testing.TB, n int) *ZooKeeper {
	t.Helper()
	requireZooKeeper(t)
	z, err := startZooKeeper(t.TempDir(), n, zkFreePorts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("zookeeper logs:\n%s", z.LogTails(40))
		}
		if err := z.Stop(); err != nil {
			t.Error(err)
		}
	})
	return z
}

// StartZooKeeperProcess starts a standalone ZooKeeper without a test, for
// TestMain and tools. The caller must call Stop, which also removes its dir.
func StartZooKeeperProcess() (*ZooKeeper, error) {
	if err := ZooKeeperInstalled(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "testutil-zookeeper-")
	if err != nil {
		return nil, fmt.Errorf("zookeeper temp dir: %w", err)
	}
	z, err := startZooKeeper(dir, 1, zkFreePorts)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	z.ownDir = true
	return z, nil
}

// startZooKeeper retries on fresh ports when a port was taken between
// picking it and the JVM binding it. pick returns n free ports.
func startZooKeeper(dir string, n int, pick func(n int) ([]int, error)) (*ZooKeeper, error) {
	return startZooKeeperTLS(dir, n, pick, nil)
}

func startZooKeeperTLS(dir string, n int, pick func(n int) ([]int, error), tls *ZKTLS) (*ZooKeeper, error) {
	if n < 1 {
		return nil, fmt.Errorf("zookeeper ensemble size %d, want at least 1", n)
	}
	return retryBindRace(func(attempt int) (*ZooKeeper, bool, error) {
		z := &ZooKeeper{dir: filepath.Join(dir, fmt.Sprintf("zk-%d", attempt)), tls: tls}
		if retry, err := z.startAttempt(n, pick); err != nil {
			return nil, retry, err
		}
		return z, false, nil
	})
}

func (z *ZooKeeper) startAttempt(n int, pick func(n int) ([]int, error)) (retry bool, err error) {
	for i := 1; i <= n; i++ {
		node := &zkNode{id: i, dir: filepath.Join(z.dir, fmt.Sprintf("node%d", i))}
		want := 3
		if z.tls != nil {
			want = 4
		}
		ports, err := pick(want)
		if err != nil {
			return false, err
		}
		node.clientPort, node.peerPort, node.electionPort = ports[0], ports[1], ports[2]
		if z.tls != nil {
			node.tls, node.securePort = z.tls, ports[3]
		}
		z.nodes = append(z.nodes, node)
	}
	for _, node := range z.nodes {
		if err := node.writeConfig(z.nodes); err != nil {
			return false, err
		}
	}
	for _, node := range z.nodes {
		if err := node.start(); err != nil {
			z.stopAll()
			return false, err
		}
	}
	for i, node := range z.nodes {
		if err := node.waitServing(zkReadyTimeout); err != nil {
			retry = z.anyBindRace()
			err = fmt.Errorf("zookeeper node %d not ready: %w\n%s", node.id, err, z.LogTail(i, 30))
			z.stopAll()
			return retry, err
		}
	}
	return false, nil
}

func zkFreePorts(n int) ([]int, error) {
	ports := make([]int, n)
	for i := range ports {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		ports[i] = p
	}
	return ports, nil
}

func (z *ZooKeeper) anyBindRace() bool {
	for _, n := range z.nodes {
		if n.bindRace() {
			return true
		}
	}
	return false
}

// stopAll stops the nodes in parallel: each may take a JVM shutdown.
func (z *ZooKeeper) stopAll() error {
	errs := make([]error, len(z.nodes))
	var wg sync.WaitGroup
	for i, n := range z.nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = n.stop()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Stop stops every node by PID; it is idempotent. For a server from
// StartZooKeeperProcess it also removes the data dir.
func (z *ZooKeeper) Stop() error {
	if z.stopped {
		return nil
	}
	z.stopped = true
	err := z.stopAll()
	if z.ownDir {
		err = errors.Join(err, os.RemoveAll(filepath.Dir(z.dir)))
	}
	return err
}

// Addrs returns every node's client address (host:port), node 0 first.
func (z *ZooKeeper) Addrs() []string {
	addrs := make([]string, len(z.nodes))
	for i, n := range z.nodes {
		addrs[i] = n.addr()
	}
	return addrs
}

// Addr returns node i's client address.
func (z *ZooKeeper) Addr(i int) string { return z.nodes[i].addr() }

// ConnectString returns the comma-separated client addresses.
func (z *ZooKeeper) ConnectString() string { return strings.Join(z.Addrs(), ",") }

// Size returns the number of nodes.
func (z *ZooKeeper) Size() int { return len(z.nodes) }

// LogTail returns the last lines of node i's server log.
func (z *ZooKeeper) LogTail(i, lines int) string {
	return fmt.Sprintf("--- zookeeper node %d log (%s) ---\n%s", i, z.nodes[i].logPath(), z.nodes[i].logTail(lines))
}

// LogTails returns LogTail for every node.
func (z *ZooKeeper) LogTails(lines int) string {
	parts := make([]string, len(z.nodes))
	for i := range z.nodes {
		parts[i] = z.LogTail(i, lines)
	}
	return strings.Join(parts, "\n")
}
