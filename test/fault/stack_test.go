package fault

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// sessionTimeout is every daemon's ZooKeeper session: short, so the
// faults that outlast it fit the suite's time budget.
const sessionTimeout = 3 * time.Second

// nerveProc is one nerve binary checking one backend.
type nerveProc struct {
	*testutil.Daemon
	sock string // admin socket
}

// opts shapes a stack; the zero value is two backends behind an HTTP
// service with the settings the rolling-deploy docs recommend.
type opts struct {
	backends int
	// services are more synapse services beside "web".
	services map[string]any
	// noTraffic leaves the client out (a test that breaks every path).
	noTraffic bool
	// session is the daemons' ZooKeeper session timeout (sessionTimeout
	// when 0).
	session time.Duration
}

// stack is the whole system for one test.
type stack struct {
	t          *testing.T
	dir        string
	zk         *testutil.ZooKeeper
	zc         *gozk.Conn
	path       string // web's registrations
	session    time.Duration
	ha         *testutil.HAProxy
	confDir    string // haproxy.cfg's directory, synapse's to write
	pidFile    string // HAProxy's master pid, for reload_command
	synapse    *testutil.Daemon
	synConf    map[string]any
	synMetrics string
	front      int
	backends   []*backend
	traffic    *testutil.Traffic
}

func newStack(t *testing.T, o opts) *stack {
	t.Helper()
	z := ensemble(t)
	s := &stack{t: t, dir: t.TempDir(), zk: z, path: testutil.ZKPath(t) + "/web", session: o.session}
	if s.session == 0 {
		s.session = sessionTimeout
	}
	zc, err := testutil.DialZooKeeper(z.Addrs())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(zc.Close)
	s.zc = zc
	if err := testutil.CreateZKPath(zc, s.path); err != nil {
		t.Fatal(err)
	}
	s.startHAProxy()
	for i := range max(o.backends, 1) {
		b := startBackend(t, fmt.Sprintf("b%d", i))
		b.nerve = s.startNerve(b)
		s.backends = append(s.backends, b)
	}
	s.startSynapse(o.services)
	t.Cleanup(func() {
		if t.Failed() {
			s.logTails()
		}
	})
	s.converged(t, s.backends...)
	if !o.noTraffic {
		s.traffic = testutil.StartTraffic(fmt.Sprintf("http://127.0.0.1:%d/", s.front), 2, 10*time.Millisecond)
		t.Cleanup(s.traffic.Stop)
		s.waitAnswers(t, 20)
	}
	return s
}

// startHAProxy starts HAProxy reading haproxy.cfg from a directory of its
// own (the config directory faults need one HAProxy does not write to).
func (s *stack) startHAProxy() {
	t := s.t
	s.ha = testutil.StartHAProxy(t, testutil.HAProxyConfig(""))
	s.confDir = filepath.Join(s.dir, "conf")
	if err := os.Mkdir(s.confDir, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile(s.ha.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.configPath(), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(s.ha.ConfigPath); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(s.configPath(), s.ha.ConfigPath); err != nil {
		t.Fatal(err)
	}
	s.pidFile = filepath.Join(s.dir, "haproxy.pid")
	s.writePID()
}

func (s *stack) configPath() string { return filepath.Join(s.confDir, "haproxy.cfg") }

// writePID records the master's pid, as a pid file HAProxy's packaging
// writes does.
func (s *stack) writePID() {
	if err := os.WriteFile(s.pidFile, []byte(strconv.Itoa(s.ha.MasterPID())+"\n"), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func (s *stack) startNerve(b *backend) *nerveProc {
	t := s.t
	mport := testutil.FreePort(t)
	cfg := map[string]any{
		"instance_id": b.name,
		"prometheus":  map[string]any{"enabled": true, "port": mport},
		"services": map[string]any{"web": map[string]any{
			"host": "127.0.0.1", "port": b.port, "reporter_type": "zookeeper",
			"zk_hosts": s.zk.Addrs(), "zk_path": s.path, "check_interval": 0.2,
			"checks": []map[string]any{{"type": "http", "uri": "/health", "timeout": 0.5, "rise": 1, "fall": 2}},
		}},
	}
	path := s.writeJSON(b.name+"-nerve.json", cfg)
	maint := filepath.Join(s.dir, b.name+"-maint")
	if err := os.Mkdir(maint, 0o755); err != nil {
		t.Fatal(err)
	}
	n := &nerveProc{sock: filepath.Join(s.dir, b.name+"-nerve.sock")}
	n.Daemon = testutil.NewDaemon(b.name+" nerve", filepath.Join(s.dir, b.name+"-nerve.log"), nerveBin(t),
		"-c", path, "--admin-socket", n.sock, "--maintenance-dir", maint,
		"--zk-session-timeout", s.session.String())
	s.start(n.Daemon)
	return n
}

func (s *stack) startSynapse(more map[string]any) {
	t := s.t
	s.front = testutil.FreePort(t)
	mport := testutil.FreePort(t)
	s.synMetrics = fmt.Sprintf("127.0.0.1:%d", mport)
	services := map[string]any{"web": map[string]any{
		"discovery": s.discovery(s.path),
		"haproxy": map[string]any{
			"port": s.front, "bind_address": "127.0.0.1",
			"listen": []string{"mode http", "option redispatch", "retries 3"},
		},
	}}
	for k, v := range more {
		services[k] = v
	}
	s.synConf = map[string]any{
		"services": services,
		"haproxy": map[string]any{
			"config_file_path": s.configPath(), "socket_file_path": s.ha.StatsSocket,
			"do_reloads": true, "reload_command": "kill -USR2 $(cat " + s.pidFile + ")", "restart_interval": 0.5,
			"global":   []string{"stats socket " + s.ha.StatsSocket + " mode 600 level admin", "nbthread 1", "hard-stop-after 10s"},
			"defaults": []string{"mode http", "timeout connect 1s", "timeout client 10s", "timeout server 10s"},
		},
		"prometheus": map[string]any{"enabled": true, "port": mport},
	}
	path := s.writeJSON("synapse.json", s.synConf)
	s.synapse = testutil.NewDaemon("synapse", filepath.Join(s.dir, "synapse.log"), synapseBin(t),
		"-c", path, "--admin-socket", filepath.Join(s.dir, "synapse.sock"))
	s.synapse.Piped = true // its log survives a limit on its file writes
	s.start(s.synapse)
}

// discovery is a synapse zookeeper discovery section for path.
func (s *stack) discovery(path string) map[string]any {
	return map[string]any{"method": "zookeeper", "hosts": s.zk.Addrs(), "path": path, "session_timeout": s.session.Seconds()}
}

// rewriteSynapseConfig writes synapse's config again (for a SIGHUP).
func (s *stack) rewriteSynapseConfig() { s.writeJSON("synapse.json", s.synConf) }

// start runs d and stops it (SIGTERM) at cleanup.
func (s *stack) start(d *testutil.Daemon) {
	s.t.Helper()
	if err := d.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { d.Stop(syscall.SIGTERM) })
}

func (s *stack) writeJSON(name string, v any) string {
	s.t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		s.t.Fatal(err)
	}
	path := filepath.Join(s.dir, name)
	if err := os.WriteFile(path+".tmp", b, 0o644); err != nil {
		s.t.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		s.t.Fatal(err)
	}
	return path
}

// alive fails the test for a daemon that exited on its own.
func (s *stack) alive(t *testing.T) {
	t.Helper()
	ds := []*testutil.Daemon{s.synapse}
	for _, b := range s.backends {
		ds = append(ds, b.nerve.Daemon)
	}
	for _, d := range ds {
		if d.Exited() {
			t.Fatalf("%s exited (%v):\n%s", d.Name, d.ExitState(), d.LogTail(3000))
		}
	}
}

func (s *stack) logTails() {
	s.t.Logf("synapse log:\n%s", s.synapse.LogTail(6000))
	for _, b := range s.backends {
		s.t.Logf("%s log:\n%s", b.nerve.Name, b.nerve.LogTail(2000))
	}
}
