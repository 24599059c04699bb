package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/test/testutil"
)

const zkRoot = "/soak/web"

// backend is one demo backend; managed ones run under their own nerve,
// the others are registered by the soak itself.
type backend struct {
	name, addr string
	port       int
	app        *testutil.Daemon
	nerve      *testutil.Daemon // nil: registered directly
	sock       string
	metrics    string // nerve's /metrics address
}

// stack is the whole system on loopback.
type stack struct {
	dir      string
	bins     bins
	zk       *testutil.ZooKeeper
	zc       *gozk.Conn
	ha       *testutil.HAProxy
	synapse  *testutil.Daemon
	synMet   string
	synSock  string // synapse's admin socket
	front    int
	backends []*backend // managed first, then direct
	reloads  reloadCounter
	renames  int // names the renamed registrations used so far
	stops    []func()
}

type bins struct{ nerve, synapse, backend string }

func (s *stack) defer_(f func()) { s.stops = append(s.stops, f) }

func (s *stack) close() {
	for i := len(s.stops) - 1; i >= 0; i-- {
		s.stops[i]()
	}
}

func startStack(dir string, b bins, zkSize, managed, direct int) (*stack, error) {
	s := &stack{dir: dir, bins: b}
	z, err := testutil.StartZooKeeperEnsembleProcess(zkSize)
	if err != nil {
		return s, fmt.Errorf("start zookeeper: %w", err)
	}
	s.zk = z
	s.defer_(func() { _ = z.Stop() })
	if s.zc, err = testutil.DialZooKeeper(z.Addrs()); err != nil {
		return s, err
	}
	s.defer_(s.zc.Close)
	if err := testutil.CreateZKPath(s.zc, zkRoot); err != nil {
		return s, err
	}
	if err := s.startHAProxy(); err != nil {
		return s, err
	}
	for i := range managed + direct {
		if err := s.addBackend(i, i < managed); err != nil {
			return s, err
		}
	}
	return s, s.startSynapse()
}

func (s *stack) startHAProxy() error {
	dir := filepath.Join(s.dir, "haproxy")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("haproxy dir: %w", err)
	}
	h, err := testutil.StartHAProxyProcess(dir, testutil.HAProxyConfig(""))
	if err != nil {
		return err
	}
	s.ha = h
	s.defer_(func() { _ = h.Stop() })
	return nil
}

func (s *stack) addBackend(i int, managed bool) error {
	port, err := testutil.PickFreePort()
	if err != nil {
		return err
	}
	b := &backend{name: fmt.Sprintf("b%d", i), port: port, addr: fmt.Sprintf("127.0.0.1:%d", port)}
	if !managed {
		b.name = fmt.Sprintf("r%d", i)
	}
	b.app = testutil.NewDaemon(b.name, filepath.Join(s.dir, b.name+".log"), s.bins.backend, "-name", b.name, "-addr", b.addr)
	if err := b.app.Start(); err != nil {
		return err
	}
	s.defer_(func() { b.app.Stop(syscall.SIGTERM) })
	s.backends = append(s.backends, b)
	if !managed {
		return nil
	}
	return s.startNerve(b)
}

func (s *stack) startNerve(b *backend) error {
	mport, err := testutil.PickFreePort()
	if err != nil {
		return err
	}
	b.metrics = fmt.Sprintf("127.0.0.1:%d", mport)
	b.sock = filepath.Join(s.dir, b.name+"-nerve.sock")
	cfg := map[string]any{
		"instance_id": b.name,
		"prometheus":  map[string]any{"enabled": true, "port": mport},
		"services": map[string]any{"web": map[string]any{
			"host": "127.0.0.1", "port": b.port, "reporter_type": "zookeeper",
			"zk_hosts": s.zk.Addrs(), "zk_path": zkRoot, "check_interval": 0.2,
			"checks": []map[string]any{{"type": "http", "uri": "/health", "timeout": 0.5, "rise": 1, "fall": 2}},
		}},
	}
	path := filepath.Join(s.dir, b.name+"-nerve.json")
	if err := writeJSON(path, cfg); err != nil {
		return err
	}
	b.nerve = profiled(testutil.NewDaemon(b.name+"-nerve", filepath.Join(s.dir, b.name+"-nerve.log"), s.bins.nerve,
		"-c", path, "--admin-socket", b.sock, "--maintenance-dir", filepath.Join(s.dir, b.name+"-maint")))
	if err := os.MkdirAll(filepath.Join(s.dir, b.name+"-maint"), 0o755); err != nil {
		return err
	}
	s.defer_(func() { b.nerve.Stop(syscall.SIGTERM) })
	return b.nerve.Start()
}

func (s *stack) startSynapse() error {
	var err error
	if s.front, err = testutil.PickFreePort(); err != nil {
		return err
	}
	mport, err := testutil.PickFreePort()
	if err != nil {
		return err
	}
	s.synMet = fmt.Sprintf("127.0.0.1:%d", mport)
	h := s.ha
	cfg := map[string]any{
		"services": map[string]any{"web": map[string]any{
			"discovery": map[string]any{"method": "zookeeper", "hosts": s.zk.Addrs(), "path": zkRoot},
			"haproxy": map[string]any{
				"port": s.front, "bind_address": "127.0.0.1",
				"listen": []string{"mode http", "option redispatch", "retries 3"},
			},
		}},
		"haproxy": map[string]any{
			"config_file_path": h.ConfigPath, "socket_file_path": h.StatsSocket,
			"do_reloads": true, "reload_command": fmt.Sprintf("kill -USR2 %d", h.MasterPID()), "restart_interval": 0.5,
			"global":   []string{"stats socket " + h.StatsSocket + " mode 600 level admin", "nbthread 1", "hard-stop-after 10s"},
			"defaults": []string{"mode http", "timeout connect 1s", "timeout client 10s", "timeout server 10s"},
		},
		"prometheus": map[string]any{"enabled": true, "port": mport},
	}
	path := filepath.Join(s.dir, "synapse.json")
	if err := writeJSON(path, cfg); err != nil {
		return err
	}
	s.synSock = filepath.Join(s.dir, "synapse.sock")
	s.synapse = profiled(testutil.NewDaemon("synapse", filepath.Join(s.dir, "synapse.log"), s.bins.synapse,
		"-c", path, "--admin-socket", s.synSock))
	s.defer_(func() { s.synapse.Stop(syscall.SIGTERM) })
	return s.synapse.Start()
}

// profiled samples the daemon's heap once per 16 KiB allocated rather
// than 512 KiB, so the heap profiles the soak keeps show small
// per-server growth too.
func profiled(d *testutil.Daemon) *testutil.Daemon {
	d.Env = append(d.Env, "GODEBUG=memprofilerate=16384")
	return d
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
