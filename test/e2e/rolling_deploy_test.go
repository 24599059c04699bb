package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/nerve/admin"
	"github.com/smartstack-go/smartstack/test/testutil"
)

// deployBackend is one demo backend under its own nerve.
type deployBackend struct {
	name, addr, sock string
	port             int
	proc             *daemonProc
}

// A rolling deploy through nerve's maintenance, one backend at a time
// under continuous traffic, with `option redispatch` and `retries 3` as
// operators set them: not one request fails.
func TestRollingDeployNoFailedRequest(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	zc := connectZK(t, z.Addrs())
	zkPath := testutil.ZKPath(t) + "/web"
	createPath(t, zc, zkPath)
	h := testutil.StartHAProxy(t, testutil.HAProxyConfig(""))
	bin := buildPackage(t, "demo-backend", "../../examples/demo/backend")

	backends := make([]*deployBackend, 4)
	for i := range backends {
		b := &deployBackend{name: fmt.Sprintf("b%d", i), port: testutil.FreePort(t), sock: filepath.Join(t.TempDir(), "nerve.sock")}
		b.addr = fmt.Sprintf("127.0.0.1:%d", b.port)
		b.proc = startDaemon(t, b.name, bin, "-name", b.name, "-addr", b.addr)
		cfg := filepath.Join(t.TempDir(), "nerve.json")
		web := service(b.port, z.ConnectString(), zkPath)
		writeConfig(t, cfg, map[string]any{"instance_id": b.name, "services": map[string]any{"web": web}})
		startNerve(t, "-c", cfg, "--admin-socket", b.sock, "--maintenance-dir", t.TempDir())
		backends[i] = b
	}
	front := testutil.FreePort(t)
	startSynapse(t, "-c", writeDeploySynapseConfig(t, h, z.Addrs(), zkPath, front))
	for _, b := range backends {
		waitRouted(t, h, b.addr, true)
	}

	traffic := testutil.StartTraffic(fmt.Sprintf("http://127.0.0.1:%d/", front), 4, 5*time.Millisecond)
	defer traffic.Stop()
	waitHits(t, traffic, "hello from b0", 20)
	for _, b := range backends {
		rollOne(t, h, traffic, b, bin)
	}
	traffic.Stop()
	failed, last := traffic.Failed()
	ok := traffic.OK()
	t.Logf("answers by backend %v; failures %v", ok, failed)
	if len(failed) > 0 {
		t.Errorf("failed requests during the rolling deploy: %v; latest:\n%s", failed, strings.Join(last, "\n"))
	}
}

// rollOne is one backend's deploy: maintenance, drained from HAProxy,
// restarted, back in service and answering.
func rollOne(t *testing.T, h *testutil.HAProxy, traffic *testutil.Traffic, b *deployBackend, bin string) {
	t.Helper()
	c := admin.NewClient(b.sock)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.MaintenanceDown(ctx, "web", "deploy", 0); err != nil {
		t.Fatalf("%s: maint down: %v", b.name, err)
	}
	waitRouted(t, h, b.addr, false)
	b.proc.signal(t, syscall.SIGTERM)
	<-b.proc.done
	b.proc = startDaemon(t, b.name, bin, "-name", b.name, "-addr", b.addr)
	if _, err := c.MaintenanceUp(ctx, "web"); err != nil {
		t.Fatalf("%s: maint up: %v", b.name, err)
	}
	waitRouted(t, h, b.addr, true)
	waitHits(t, traffic, "hello from "+b.name, traffic.OK()["hello from "+b.name]+20)
}

// waitRouted waits until HAProxy routes to addr (a live server with that
// address) or, with want false, no longer does and has no session open
// to it.
func waitRouted(t *testing.T, h *testutil.HAProxy, addr string, want bool) {
	t.Helper()
	testutil.Eventually(t, 20*time.Second, func() error {
		servers, err := h.Servers()
		if err != nil {
			return err
		}
		for _, s := range servers {
			if s.Addr != addr {
				continue
			}
			if s.Live() != want || !want && s.Sessions != "0" {
				return fmt.Errorf("server %s (%s): status %q, %s sessions; want live=%v", s.Name, addr, s.Status, s.Sessions, want)
			}
			return nil
		}
		if want {
			return fmt.Errorf("no server at %s in show stat", addr)
		}
		return nil
	})
}

func waitHits(t *testing.T, traffic *testutil.Traffic, body string, n int) {
	t.Helper()
	testutil.Eventually(t, 20*time.Second, func() error {
		if got := traffic.OK()[body]; got < n {
			return fmt.Errorf("%d answers %q, want %d", got, body, n)
		}
		return nil
	})
}

// writeDeploySynapseConfig is an HTTP service with the retry settings an
// operator running rolling deploys sets, and HAProxy health checks.
func writeDeploySynapseConfig(t *testing.T, h *testutil.HAProxy, zkHosts []string, zkPath string, port int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "synapse.json")
	writeConfig(t, path, map[string]any{
		"services": map[string]any{"web": map[string]any{
			"discovery": map[string]any{"method": "zookeeper", "hosts": zkHosts, "path": zkPath},
			"haproxy": map[string]any{
				"port": port, "bind_address": "127.0.0.1",
				"server_options": "check inter 500 rise 1 fall 2",
				"listen":         []string{"mode http", "option redispatch", "retries 3", "option httpchk GET /health"},
			},
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

// buildPackage builds the main package at dir (relative to test/e2e) once
// per test binary, as buildBinary does for the daemons.
func buildPackage(t *testing.T, name, dir string) string {
	t.Helper()
	return builds.Path(t, name, dir)
}
