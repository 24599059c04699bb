package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/internal/synapse/admin"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// runSynapse runs the synapse binary to its end: stdout, stderr and the
// exit code.
func runSynapse(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(buildSynapse(t), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return stdout.String(), stderr.String(), 0
	case errors.As(err, &exit):
		return stdout.String(), stderr.String(), exit.ExitCode()
	}
	t.Fatal(err)
	return "", "", -1
}

// statusJSON is `synapse status -o json` against sock.
func synapseStatusJSON(t *testing.T, sock string) (admin.StatusResult, error) {
	var st admin.StatusResult
	out, errOut, code := runSynapse(t, "status", "-o", "json", "--admin-socket", sock)
	if code != 0 {
		return st, fmt.Errorf("synapse status: exit %d: %s", code, errOut)
	}
	err := json.Unmarshal([]byte(out), &st)
	return st, err
}

// register writes one instance's znode, as nerve does; it returns the
// HAProxy server name synapse gives it.
func register(t *testing.T, zc *gozk.Conn, zkPath, name string) string {
	t.Helper()
	port := testutil.FreePort(t)
	payload := fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"name":"%s"}`, port, name)
	if _, err := zc.Create(zkPath+"/"+name, []byte(payload), 0, gozk.WorldACL(gozk.PermAll)); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s_127.0.0.1:%d", name, port)
}

// webConfig is a synapse config of one service, web, watched at zkPath on
// hosts, with haproxy (edited by the caller) and file_output under dir.
func webConfig(t *testing.T, dir string, hosts []string, zkPath string, haproxy map[string]any) string {
	t.Helper()
	top := map[string]any{
		"global":   []string{"nbthread 1", "hard-stop-after 10s"},
		"defaults": []string{"mode tcp", "timeout connect 1s", "timeout client 10s", "timeout server 10s"},
	}
	for k, v := range haproxy {
		top[k] = v
	}
	path := filepath.Join(dir, "synapse.json")
	writeConfig(t, path, map[string]any{
		"services": map[string]any{"web": map[string]any{
			"discovery": map[string]any{"method": "zookeeper", "hosts": hosts, "path": zkPath},
			"haproxy":   map[string]any{"port": testutil.FreePort(t), "bind_address": "127.0.0.1", "listen": []string{"mode tcp"}},
		}},
		"haproxy":     top,
		"file_output": map[string]any{"output_directory": filepath.Join(dir, "out")},
	})
	return path
}

// `synapse status` shows the registrations written to ZooKeeper and how
// HAProxy runs them, a server put in maintenance through HAProxy's own
// socket included, and the reloads.
func TestSynapseStatus(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	zc := connectZK(t, z.Addrs())
	zkPath := testutil.ZKPath(t) + "/web"
	createPath(t, zc, zkPath)
	servers := []string{register(t, zc, zkPath, "i1"), register(t, zc, zkPath, "i2")}
	h := testutil.StartHAProxy(t, testutil.HAProxyConfig(""))
	dir := t.TempDir()
	cfg := webConfig(t, dir, z.Addrs(), zkPath, map[string]any{
		"config_file_path": h.ConfigPath, "socket_file_path": h.StatsSocket,
		"do_reloads": true, "reload_command": fmt.Sprintf("kill -USR2 %d", h.MasterPID()), "restart_interval": 0.1,
		"global": []string{"stats socket " + h.StatsSocket + " mode 600 level admin", "nbthread 1", "hard-stop-after 10s"},
	})
	sock := filepath.Join(dir, "synapse.sock")
	startSynapse(t, "-c", cfg, "--admin-socket", sock)

	var st admin.StatusResult
	testutil.Eventually(t, 20*time.Second, func() error {
		var err error
		if st, err = synapseStatusJSON(t, sock); err != nil {
			return err
		}
		if !st.Ready || len(st.Services) != 1 || len(st.Services[0].Backends) != 2 || st.Services[0].HAProxy == nil ||
			len(st.Services[0].HAProxy.Servers) != 2 {
			return fmt.Errorf("status %+v", st)
		}
		for _, s := range st.Services[0].HAProxy.Servers {
			if !s.Discovered || s.Status == "" || !slices.Contains(servers, s.Name) {
				return fmt.Errorf("server %+v", s)
			}
		}
		// The first reload is confirmed by a tick once the new worker
		// answers: until then status shows it pending, not yet counted.
		if len(st.Proxies) != 1 || st.Proxies[0].Reloads < 1 {
			return fmt.Errorf("first reload not confirmed yet: %+v", st.Proxies)
		}
		return nil
	})
	if st.Proxies[0].LastReload == nil || !st.Proxies[0].LastReload.OK ||
		st.Proxies[0].Socket != h.StatsSocket || !st.Services[0].Watcher.Discovered {
		t.Fatalf("status %+v", st)
	}

	// synapse puts an operator's maintenance back within seconds (it
	// enables what discovery says is up), so the disable is repeated
	// until a status read sees it.
	testutil.Eventually(t, 20*time.Second, func() error {
		if _, err := h.Command("disable server web/" + servers[0]); err != nil {
			return err
		}
		st, err := synapseStatusJSON(t, sock)
		if err != nil {
			return err
		}
		for _, s := range st.Services[0].HAProxy.Servers {
			if s.Name == servers[0] && s.Status == "MAINT" {
				return nil
			}
		}
		return fmt.Errorf("servers %+v", st.Services[0].HAProxy.Servers)
	})

	out, errOut, code := runSynapse(t, "status", "--admin-socket", sock)
	if code != 0 || !strings.Contains(out, "synapse: ready") || !strings.Contains(out, servers[1]) ||
		!strings.Contains(out, "haproxy: live state read from "+h.StatsSocket) {
		t.Fatalf("synapse status: exit %d\n%s%s", code, out, errOut)
	}
}

// onceConfig is a config for --once: haproxy.cfg checked by the real
// haproxy -c, a socket that does not exist and a reload_command that
// leaves a mark, neither of which --once may use.
func onceConfig(t *testing.T, dir string, hosts []string, zkPath string) string {
	t.Helper()
	bin, err := testutil.HAProxyBinary()
	if err != nil {
		t.Fatal(err)
	}
	cfgFile := filepath.Join(dir, "haproxy.cfg")
	return webConfig(t, dir, hosts, zkPath, map[string]any{
		"config_file_path": cfgFile, "do_writes": true,
		"do_checks": true, "candidate_config_file_path": cfgFile + ".new", "check_command": bin + " -c -q -f " + cfgFile + ".new",
		"do_socket": true, "socket_file_path": filepath.Join(dir, "no-haproxy.sock"),
		"do_reloads": true, "reload_command": "touch " + filepath.Join(dir, "reloaded"),
		"state_file_path": filepath.Join(dir, "state.json"),
	})
}

func TestSynapseOnce(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	zc := connectZK(t, z.Addrs())
	zkPath := testutil.ZKPath(t) + "/web"
	createPath(t, zc, zkPath)
	server := register(t, zc, zkPath, "i1")

	t.Run("writes", func(t *testing.T) {
		dir := t.TempDir()
		cfg := onceConfig(t, dir, z.Addrs(), zkPath)
		_, errOut, code := runSynapse(t, "--once", "-c", cfg)
		if code != 0 {
			t.Fatalf("exit %d:\n%s", code, errOut)
		}
		b, err := os.ReadFile(filepath.Join(dir, "haproxy.cfg"))
		if err != nil || !strings.Contains(string(b), "server "+server+" ") {
			t.Fatalf("haproxy.cfg lacks %s (%v):\n%s", server, err, b)
		}
		bin, _ := testutil.HAProxyBinary()
		if out, err := exec.Command(bin, "-c", "-f", filepath.Join(dir, "haproxy.cfg")).CombinedOutput(); err != nil {
			t.Fatalf("haproxy -c refuses the config: %v\n%s", err, out)
		}
		for _, f := range []string{"out/web.json", "state.json"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Errorf("%s not written: %v", f, err)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "reloaded")); err == nil {
			t.Error("--once ran reload_command")
		}
	})

	t.Run("dry run", func(t *testing.T) {
		dir := t.TempDir()
		cfg := onceConfig(t, dir, z.Addrs(), zkPath)
		out, errOut, code := runSynapse(t, "--once", "--dry-run", "-c", cfg)
		if code != 0 || !strings.Contains(out, "backend web") || !strings.Contains(out, "server "+server+" ") {
			t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		entries, err := os.ReadDir(dir)
		if err != nil || len(entries) != 1 || entries[0].Name() != "synapse.json" {
			t.Fatalf("--dry-run wrote files: %v %v", entries, err)
		}
	})

	t.Run("no discovery", func(t *testing.T) {
		dir := t.TempDir()
		closed := fmt.Sprintf("127.0.0.1:%d", testutil.FreePort(t))
		cfg := onceConfig(t, dir, []string{closed}, zkPath)
		start := time.Now()
		_, errOut, code := runSynapse(t, "--once", "--once-timeout", "2s", "-c", cfg)
		if code != 1 || !strings.Contains(errOut, "service web: no discovery within 2s") {
			t.Fatalf("exit %d after %s:\n%s", code, time.Since(start), errOut)
		}
		if _, err := os.Stat(filepath.Join(dir, "haproxy.cfg")); err == nil {
			t.Fatal("haproxy.cfg written without discovery")
		}
	})
}
