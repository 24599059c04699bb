package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	gozk "github.com/smartstack-go/smartstack/third_party/go-zookeeper/zk"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// testWatchdog is the test's WatchdogSec: short, so pings repeat quickly.
const testWatchdog = 600 * time.Millisecond

// nerve under a notify socket: status lines, READY=1 only once the
// registration exists, WATCHDOG=1 repeating, RELOADING=1 then READY=1
// around a good and a failed SIGHUP (the failed one names the error and
// the old config keeps running), STOPPING=1 and exit 0 on SIGTERM.
func TestNerveNotify(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	zc := connectZK(t, z.Addrs())
	root := testutil.ZKPath(t)
	a, b := newHealthService(t), newHealthService(t)
	cfgPath := filepath.Join(t.TempDir(), "nerve.conf.json")
	promPort := testutil.FreePort(t)
	cfg := func(svcs map[string]any) map[string]any {
		return map[string]any{"instance_id": "e2e-host", "services": svcs,
			"prometheus": map[string]any{"enabled": true, "port": promPort}}
	}
	writeConfig(t, cfgPath, cfg(map[string]any{"a": service(a.port, z.ConnectString(), root+"/a")}))
	ns := newNotifySocket(t, func() error {
		// Only the first READY must find the registration; later ones
		// follow reloads and find it too.
		got, err := children(zc, root+"/a")
		if err != nil || len(got) != 1 || got[0] != payload(a.port) {
			return fmt.Errorf("children of %s at READY=1: %q (%v)", root+"/a", got, err)
		}
		return nil
	})
	p := startDaemonEnv(t, "nerve", buildNerve(t), ns.env(testWatchdog),
		"-c", cfgPath, "--admin-socket", filepath.Join(t.TempDir(), "nerve.sock"))
	ns.wantEvents(t, [2]string{"READY", "1 services reported"})
	ns.wantReadyChecks(t)
	ns.wantStatusBeforeReady(t)
	ns.wantWatchdog(t, 3)
	base := fmt.Sprintf("http://127.0.0.1:%d", promPort)
	httpDo(t, http.MethodGet, base+"/ready", "", http.StatusOK)
	httpDo(t, http.MethodGet, base+"/healthz", "", http.StatusOK)

	writeConfig(t, cfgPath, cfg(map[string]any{
		"a": service(a.port, z.ConnectString(), root+"/a"), "b": service(b.port, z.ConnectString(), root+"/b")}))
	p.signal(t, syscall.SIGHUP)
	ns.wantEvents(t, [2]string{"READY", "reported"}, [2]string{"RELOADING", "reloading"},
		[2]string{"READY", "config reloaded: 2 services"})
	wantChildren(t, zc, root+"/b", payload(b.port))

	bad := service(b.port, z.ConnectString(), root+"/b")
	bad["checks"] = []map[string]any{{"type": "no-such-check"}}
	writeConfig(t, cfgPath, cfg(map[string]any{"b": bad}))
	p.signal(t, syscall.SIGHUP)
	ns.wantEvents(t, [2]string{"READY", "reported"}, [2]string{"RELOADING", ""}, [2]string{"READY", "reloaded"},
		[2]string{"RELOADING", ""}, [2]string{"READY", "config reload failed; the previous config keeps running: "})
	last := ns.messages()
	if st := lastStatus(last); !strings.Contains(st, "no-such-check") {
		t.Errorf("failed reload status %q does not name the error", st)
	}
	wantChildren(t, zc, root+"/a", payload(a.port)) // the old config still runs
	stopAndWantLifecycle(t, p, ns, "reported", "deregistering")
	if msgs := ns.messages(); !hasField(msgs[len(msgs)-1], "STOPPING", "1") {
		t.Errorf("last message %q, want STOPPING=1", msgs[len(msgs)-1])
	}
}

// lastStatus is the STATUS of the last message that has one.
func lastStatus(msgs []string) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if st, ok := field(msgs[i], "STATUS"); ok {
			return st
		}
	}
	return ""
}

// synapse under a notify socket: READY=1 only once haproxy.cfg holds the
// discovered backend and HAProxy runs it; the rest as for nerve.
func TestSynapseNotify(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	zc := connectZK(t, z.Addrs())
	zkPath := testutil.ZKPath(t) + "/web"
	createPath(t, zc, zkPath)
	backendPort := testutil.FreePort(t)
	reg := fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"name":"i1"}`, backendPort)
	if _, err := zc.Create(zkPath+"/i1", []byte(reg), 0, gozk.WorldACL(gozk.PermAll)); err != nil {
		t.Fatal(err)
	}
	server := fmt.Sprintf("i1_127.0.0.1:%d", backendPort)
	h := testutil.StartHAProxy(t, testutil.HAProxyConfig(""))
	promPort := testutil.FreePort(t)
	cfgPath := filepath.Join(t.TempDir(), "synapse.json")
	listenPort := testutil.FreePort(t)
	cfg := synapseNotifyConfig(z, h, zkPath, promPort, listenPort)
	writeConfig(t, cfgPath, cfg)
	ns := newNotifySocket(t, func() error {
		b, err := os.ReadFile(h.ConfigPath)
		if err != nil || !strings.Contains(string(b), server) {
			return fmt.Errorf("haproxy.cfg at READY=1 lacks %s (%v)", server, err)
		}
		if st, err := serverStatus(h, "web", server); err != nil || st == "" {
			return fmt.Errorf("HAProxy does not run the written config at READY=1: %s status %q (%v)", server, st, err)
		}
		return nil
	})
	p := startDaemonEnv(t, "synapse", buildSynapse(t), ns.env(testWatchdog), "-c", cfgPath)
	ns.wantEvents(t, [2]string{"READY", "1 services"})
	ns.wantReadyChecks(t)
	ns.wantStatusBeforeReady(t)
	ns.wantWatchdog(t, 3)
	base := fmt.Sprintf("http://127.0.0.1:%d", promPort)
	httpDo(t, http.MethodGet, base+"/ready", "", http.StatusOK)
	httpDo(t, http.MethodGet, base+"/healthz", "", http.StatusOK)

	p.signal(t, syscall.SIGHUP)
	ns.wantEvents(t, [2]string{"READY", ""}, [2]string{"RELOADING", "reloading"},
		[2]string{"READY", "config reloaded: 1 services"})

	bad := synapseNotifyConfig(z, h, zkPath, promPort, listenPort)
	bad["nginx"] = map[string]any{}
	writeConfig(t, cfgPath, bad)
	p.signal(t, syscall.SIGHUP)
	ns.wantEvents(t, [2]string{"READY", ""}, [2]string{"RELOADING", ""}, [2]string{"READY", "reloaded"},
		[2]string{"RELOADING", ""}, [2]string{"READY", "config reload failed; the previous config keeps running: "})
	if st := lastStatus(ns.messages()); !strings.Contains(st, "nginx") {
		t.Errorf("failed reload status %q does not name the error", st)
	}
	if st, err := serverStatus(h, "web", server); err != nil || st == "" {
		t.Fatalf("after the failed reload: %s status %q (%v)", server, st, err)
	}
	stopAndWantLifecycle(t, p, ns, "", "HAProxy keeps running")
}

func synapseNotifyConfig(z *testutil.ZooKeeper, h *testutil.HAProxy, zkPath string, promPort, listenPort int) map[string]any {
	return map[string]any{
		"services": map[string]any{"web": map[string]any{
			"discovery": map[string]any{"method": "zookeeper", "hosts": z.Addrs(), "path": zkPath},
			"haproxy":   map[string]any{"port": listenPort, "bind_address": "127.0.0.1", "listen": []string{"mode tcp"}},
		}},
		"haproxy": map[string]any{
			"config_file_path": h.ConfigPath, "socket_file_path": h.StatsSocket,
			"do_reloads": true, "reload_command": fmt.Sprintf("kill -USR2 %d", h.MasterPID()), "restart_interval": 0.1,
			"global":   []string{"stats socket " + h.StatsSocket + " mode 600 level admin", "nbthread 1", "hard-stop-after 10s"},
			"defaults": []string{"mode tcp", "timeout connect 1s", "timeout client 10s", "timeout server 10s"},
		},
		"prometheus": map[string]any{"enabled": true, "port": promPort},
	}
}

// stopAndWantLifecycle ends both daemons' notify tests the same way: the
// watchdog still pings, SIGTERM exits 0, and the whole run sent READY,
// a good reload, a failed one (each RELOADING then READY with its
// status) and STOPPING, in that order. ready and stopping are substrings
// of the first READY's and of STOPPING's status.
func stopAndWantLifecycle(t *testing.T, p *daemonProc, ns *notifySocket, ready, stopping string) {
	t.Helper()
	ns.wantWatchdog(t, 2)
	p.signal(t, syscall.SIGTERM)
	if code := waitExit(t, p, 5*time.Second); code != 0 {
		t.Fatalf("exit %d after SIGTERM, want 0", code)
	}
	ns.wantEvents(t, [2]string{"READY", ready}, [2]string{"RELOADING", ""}, [2]string{"READY", "reloaded"},
		[2]string{"RELOADING", ""}, [2]string{"READY", "failed"}, [2]string{"STOPPING", stopping})
}
