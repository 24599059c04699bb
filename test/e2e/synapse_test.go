package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// createPath creates path and its parents as persistent znodes.
func createPath(t *testing.T, zc *gozk.Conn, path string) {
	t.Helper()
	at := ""
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		at += "/" + part
		if _, err := zc.Create(at, nil, 0, gozk.WorldACL(gozk.PermAll)); err != nil && err != gozk.ErrNodeExists {
			t.Fatalf("create %s: %v", at, err)
		}
	}
}

// serverStatus is the status column of server name in backend's show stat
// line, "" when HAProxy has no such server.
func serverStatus(h *testutil.HAProxy, backend, name string) (string, error) {
	out, err := h.Command("show stat")
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(line, ",")
		if len(f) > 17 && f[0] == backend && f[1] == name {
			return f[17], nil
		}
	}
	return "", nil
}

func TestSynapseFollowsZooKeeper(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	zc := connectZK(t, z.Addrs())
	zkPath := testutil.ZKPath(t) + "/web"
	createPath(t, zc, zkPath)
	h := testutil.StartHAProxy(t, testutil.HAProxyConfig(""))
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "synapse.json")
	writeConfig(t, cfgPath, map[string]any{
		"services": map[string]any{"web": map[string]any{
			"discovery": map[string]any{"method": "zookeeper", "hosts": z.Addrs(), "path": zkPath},
			"haproxy":   map[string]any{"port": testutil.FreePort(t), "bind_address": "127.0.0.1", "listen": []string{"mode tcp"}},
		}},
		"haproxy": map[string]any{
			"config_file_path": h.ConfigPath, "socket_file_path": h.StatsSocket,
			"do_reloads": true, "reload_command": fmt.Sprintf("kill -USR2 %d", h.MasterPID()), "restart_interval": 0.1,
			"global":   []string{"stats socket " + h.StatsSocket + " mode 600 level admin", "nbthread 1", "hard-stop-after 10s"},
			"defaults": []string{"mode tcp", "timeout connect 1s", "timeout client 10s", "timeout server 10s"},
		},
		"file_output": map[string]any{"output_directory": filepath.Join(dir, "out")},
		"file_mode":   "0640",
	})
	// Two instances, as nerve writes them; removing one must take it out
	// of HAProxy (removing the last would keep it: use_previous_backends).
	var servers []string
	for _, name := range []string{"i1", "i2"} {
		port := testutil.FreePort(t)
		payload := fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"name":"%s"}`, port, name)
		if _, err := zc.Create(zkPath+"/"+name, []byte(payload), 0, gozk.WorldACL(gozk.PermAll)); err != nil {
			t.Fatal(err)
		}
		servers = append(servers, fmt.Sprintf("%s_127.0.0.1:%d", name, port))
	}
	p := startSynapse(t, "-c", cfgPath)
	for _, server := range servers {
		testutil.Eventually(t, 20*time.Second, func() error {
			st, err := serverStatus(h, "web", server)
			if err != nil || st == "" {
				return fmt.Errorf("server %s not in show stat yet (%v)", server, err)
			}
			return nil
		})
	}
	server := servers[0]
	if err := zc.Delete(zkPath+"/i1", -1); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 20*time.Second, func() error {
		st, err := serverStatus(h, "web", server)
		if err != nil || st != "" && !strings.HasPrefix(st, "MAINT") {
			return fmt.Errorf("server %s status %q after its znode was deleted (%v)", server, st, err)
		}
		if st, _ := serverStatus(h, "web", servers[1]); st == "" || strings.HasPrefix(st, "MAINT") {
			return fmt.Errorf("remaining server %s status %q", servers[1], st)
		}
		return nil
	})
	p.signal(t, syscall.SIGTERM)
	select {
	case <-p.done:
		if p.err != nil {
			t.Fatalf("synapse exited with %v after SIGTERM", p.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("synapse did not exit after SIGTERM")
	}
	if _, err := os.Stat(h.ConfigPath); err != nil {
		t.Fatalf("haproxy.cfg removed on exit: %v", err)
	}
	for _, path := range []string{h.ConfigPath, filepath.Join(dir, "out", "web.json")} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o640 {
			t.Errorf("%s: mode %v, want 0640 from file_mode", path, fi.Mode().Perm())
		}
	}
}

// startSynapse runs the synapse binary; it is killed on cleanup. Its admin
// socket is in the test's temp directory unless args name one: the
// default, /run/synapse, is shared by every synapse on the host.
func startSynapse(t *testing.T, args ...string) *daemonProc {
	t.Helper()
	if !slices.Contains(args, "--admin-socket") {
		args = append(args, "--admin-socket", filepath.Join(t.TempDir(), "synapse.sock"))
	}
	return startDaemon(t, "synapse", buildSynapse(t), args...)
}
