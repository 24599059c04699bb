package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// healthService is a local HTTP service whose /health answer is switchable.
type healthService struct {
	srv  *httptest.Server
	ok   atomic.Bool
	port int
}

func newHealthService(t *testing.T) *healthService {
	h := &healthService{}
	h.ok.Store(true)
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if !h.ok.Load() {
			http.Error(w, "sick", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	}))
	t.Cleanup(h.srv.Close)
	h.port = h.srv.Listener.Addr().(*net.TCPAddr).Port
	return h
}

// service renders one nerve service section.
// nerveWebConfig is nerve's config with one service, "web", checked at svc's
// port and registered under root/web; extra adds top-level keys.
func nerveWebConfig(svc *healthService, z *testutil.ZooKeeper, root string, extra map[string]any) map[string]any {
	cfg := map[string]any{
		"instance_id": "e2e-host",
		"services":    map[string]any{"web": service(svc.port, z.ConnectString(), root+"/web")},
	}
	for k, v := range extra {
		cfg[k] = v
	}
	return cfg
}

func service(port int, zkHosts, zkPath string) map[string]any {
	return map[string]any{
		"host": "127.0.0.1", "port": port, "reporter_type": "zookeeper",
		"zk_hosts": []string{zkHosts}, "zk_path": zkPath, "check_interval": 0.05,
		"checks": []map[string]any{{"type": "http", "uri": "/health", "timeout": 0.5, "rise": 1, "fall": 2}},
	}
}

func writeConfig(t *testing.T, path string, cfg map[string]any) {
	t.Helper()
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// daemonProc is a running nerve or synapse binary.
type daemonProc struct {
	cmd    *exec.Cmd
	stderr *testutil.SyncBuffer // stdout too
	done   chan struct{}
	err    error
}

// startNerve runs the nerve binary with its admin socket in the test's temp
// directory unless args name one: the default, /run/nerve, is shared by
// every nerve on the host.
func startNerve(t *testing.T, args ...string) *daemonProc {
	t.Helper()
	if !slices.Contains(args, "--admin-socket") {
		args = append(args, "--admin-socket", filepath.Join(t.TempDir(), "nerve.sock"))
	}
	return startDaemon(t, "nerve", buildNerve(t), args...)
}

// startDaemon runs bin with DEBUG logging; it is killed by PID on cleanup,
// its output logged if the test failed.
func startDaemon(t *testing.T, name, bin string, args ...string) *daemonProc {
	t.Helper()
	return startDaemonEnv(t, name, bin, nil, args...)
}

// startDaemonEnv is startDaemon with extra environment variables.
func startDaemonEnv(t *testing.T, name, bin string, env []string, args ...string) *daemonProc {
	t.Helper()
	p := &daemonProc{cmd: exec.Command(bin, args...), stderr: &testutil.SyncBuffer{}, done: make(chan struct{})}
	p.cmd.Stderr = p.stderr
	p.cmd.Stdout = p.stderr
	p.cmd.Env = append(append(os.Environ(), "DEBUG=1"), env...)
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("%s output:\n%s", name, p.stderr.String())
		}
	})
	return p
}

func (p *daemonProc) signal(t *testing.T, s syscall.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(s); err != nil {
		t.Fatal(err)
	}
}

func (p *daemonProc) alive() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// children returns the data of every child of path, sorted.
func children(zc *gozk.Conn, path string) ([]string, error) {
	names, _, err := zc.Children(path)
	if errors.Is(err, gozk.ErrNoNode) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		b, _, err := zc.Get(path + "/" + n)
		if err != nil {
			return nil, err
		}
		out = append(out, string(b))
	}
	sort.Strings(out)
	return out, nil
}

func wantChildren(t *testing.T, zc *gozk.Conn, path string, want ...string) {
	t.Helper()
	testutil.Eventually(t, 10*time.Second, func() error {
		got, err := children(zc, path)
		if err != nil {
			return err
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			return fmt.Errorf("children of %s: %q, want %q", path, got, want)
		}
		return nil
	})
}

func connectZK(t *testing.T, servers []string) *gozk.Conn {
	t.Helper()
	zc, _, err := gozk.Connect(servers, 5*time.Second, gozk.WithLogger(quietLogger{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(zc.Close)
	return zc
}

type quietLogger struct{}

func (quietLogger) Printf(string, ...any) {}
