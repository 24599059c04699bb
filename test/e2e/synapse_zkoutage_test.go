package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// zkOutage is deliberately several session timeouts long, so synapse presumes
// its session expired. (A restarted ZooKeeper restores sessions from its log,
// so the client usually gets its old session back; either way the watches
// are re-armed and the children re-read.) A one-minute outage behaves the same,
// only slower to test: nothing in synapse counts the outage's length.
const (
	zkOutage         = 6 * time.Second
	zkSessionTimeout = "2s"
)

// namedBackend is a local HTTP service that answers with its name.
func namedBackend(t *testing.T, name string) int {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, name)
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().(*net.TCPAddr).Port
}

func registerBackend(t *testing.T, zc *gozk.Conn, zkPath, name string, port int) {
	t.Helper()
	payload := fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"name":"%s"}`, port, name)
	if _, err := zc.Create(zkPath+"/"+name, []byte(payload), 0, gozk.WorldACL(gozk.PermAll)); err != nil {
		t.Fatalf("register %s: %v", name, err)
	}
}

// fetch makes one request on a new connection, so every request is routed
// by HAProxy afresh, and returns the backend's name.
func fetch(url string) (string, error) {
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	return string(b), nil
}

func outageConfig(t *testing.T, z *testutil.ZooKeeper, h *testutil.HAProxy, zkPath string, port int) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "synapse.json")
	writeConfig(t, path, map[string]any{
		"services": map[string]any{"web": map[string]any{
			"discovery": map[string]any{"method": "zookeeper", "hosts": z.Addrs(), "path": zkPath,
				"session_timeout": zkSessionTimeout},
			"haproxy": map[string]any{"port": port, "bind_address": "127.0.0.1", "listen": []string{"mode http"}},
		}},
		"haproxy": map[string]any{
			"config_file_path": h.ConfigPath, "socket_file_path": h.StatsSocket,
			"do_reloads": true, "reload_command": fmt.Sprintf("kill -USR2 %d", h.MasterPID()), "restart_interval": 0.1,
			"global":   []string{"stats socket " + h.StatsSocket + " mode 600 level admin", "nbthread 1", "hard-stop-after 10s"},
			"defaults": []string{"mode http", "timeout connect 1s", "timeout client 10s", "timeout server 10s"},
		},
	})
	return path
}

// waitServedBy polls until a request through HAProxy is answered by name.
func waitServedBy(t *testing.T, url, name string) {
	t.Helper()
	testutil.Eventually(t, 30*time.Second, func() error {
		got, err := fetch(url)
		if err != nil || got != name {
			return fmt.Errorf("answered by %q (%v), want %s", got, err, name)
		}
		return nil
	})
}

// trafficDuring sends requests through HAProxy for d and fails
// the test on any failed request or if synapse dies meanwhile.
func trafficDuring(t *testing.T, p *daemonProc, url string, d time.Duration) {
	t.Helper()
	// Paced, not back to back: the point is "every request during the
	// outage", not load, and the test shares its cores.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	n := 0
	for end := time.Now().Add(d); time.Now().Before(end); n++ {
		<-tick.C
		if !p.alive() {
			t.Fatalf("synapse exited during the ZooKeeper outage after %d requests: %v", n, p.err)
		}
		if _, err := fetch(url); err != nil {
			t.Fatalf("request %d through HAProxy failed during the ZooKeeper outage: %v", n, err)
		}
	}
	if n < 10 {
		t.Fatalf("only %d requests in %s", n, d)
	}
	t.Logf("%d requests through HAProxy during a %s ZooKeeper outage, all answered", n, d)
}

// Killing ZooKeeper does not kill synapse, and traffic keeps flowing: the
// last good backends stay in HAProxy, and after ZooKeeper comes back a new
// backend is picked up.
func TestSynapseSurvivesZooKeeperOutage(t *testing.T) {
	z := testutil.StartZooKeeper(t)
	zc := connectZK(t, z.Addrs())
	zkPath := "/e2e/outage/web"
	createPath(t, zc, zkPath)
	h := testutil.StartHAProxy(t, testutil.HAProxyConfig(""))
	// Backends bind first and hold their ports, so the frontend port picked
	// next cannot be one of them (FreePort only knows what is free now).
	for _, name := range []string{"i1", "i2"} {
		registerBackend(t, zc, zkPath, name, namedBackend(t, name))
	}
	port := testutil.FreePort(t)
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	p := startSynapse(t, "-c", outageConfig(t, z, h, zkPath, port))
	waitServedBy(t, url, "i1")
	waitServedBy(t, url, "i2")

	z.StopNode(t, 0)
	trafficDuring(t, p, url, zkOutage)
	z.StartNode(t, 0)

	// A fresh client: the test's first one may still be reconnecting.
	zc2 := connectZK(t, z.Addrs())
	testutil.Eventually(t, 30*time.Second, func() error {
		_, _, err := zc2.Children(zkPath)
		return err
	})
	registerBackend(t, zc2, zkPath, "i3", namedBackend(t, "i3"))
	waitServedBy(t, url, "i3")
	if !p.alive() {
		t.Fatalf("synapse exited: %v", p.err)
	}
}
