package e2e

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// Both daemons' metrics/status listeners bind 127.0.0.1 when the config
// names only a port, and no write method on any path answers 2xx: nothing
// that changes state is reachable over TCP. nerve keeps its registration
// through every attempt.
func TestListenersLoopbackAndReadOnly(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	zc := connectZK(t, z.Addrs())
	root := testutil.ZKPath(t)
	svc := newHealthService(t)
	dir := t.TempDir()

	nervePort, synapsePort := testutil.FreePort(t), testutil.FreePort(t)
	nerveCfg := filepath.Join(dir, "nerve.json")
	writeConfig(t, nerveCfg, nerveWebConfig(svc, z, root, map[string]any{"prometheus": map[string]any{"enabled": true, "port": nervePort}}))
	spool := t.TempDir()
	nerve := startNerve(t, "-c", nerveCfg, "--maintenance-dir", spool)
	wantChildren(t, zc, root+"/web", payload(svc.port))

	synapseCfg := filepath.Join(dir, "synapse.json")
	writeConfig(t, synapseCfg, map[string]any{
		"services": map[string]any{"web": map[string]any{
			"discovery": map[string]any{"method": "zookeeper", "hosts": z.Addrs(), "path": root + "/web"},
		}},
		"file_output": map[string]any{"output_directory": filepath.Join(dir, "out")},
		"prometheus":  map[string]any{"enabled": true, "port": synapsePort},
	})
	synapse := startSynapse(t, "-c", synapseCfg)

	for _, d := range []struct {
		name string
		port int
		proc *daemonProc
	}{{"nerve", nervePort, nerve}, {"synapse", synapsePort, synapse}} {
		t.Run(d.name, func(t *testing.T) {
			base := fmt.Sprintf("http://127.0.0.1:%d", d.port)
			httpDo(t, http.MethodGet, base+"/status", "", http.StatusOK)
			testutil.Eventually(t, 5*time.Second, func() error {
				if want := fmt.Sprintf("addr=127.0.0.1:%d", d.port); !strings.Contains(d.proc.stderr.String(), want) {
					return fmt.Errorf("log lacks %q", want)
				}
				return nil
			})
			if strings.Contains(d.proc.stderr.String(), "beyond loopback") {
				t.Fatal("loopback listener warned as exposed")
			}
			for _, method := range []string{"POST", "PUT", "DELETE", "PATCH"} {
				for _, path := range []string{"/maintenance/web", "/maintenance/all", "/maintenance/anything",
					"/v1/maintenance/web", "/status", "/metrics", "/"} {
					req, _ := http.NewRequest(method, base+path, strings.NewReader("deploy"))
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if resp.StatusCode/100 == 2 {
						t.Errorf("%s %s%s answered %d", method, d.name, path, resp.StatusCode)
					}
				}
			}
		})
	}
	wantChildren(t, zc, root+"/web", payload(svc.port))
	if files, _ := filepath.Glob(filepath.Join(spool, "*")); len(files) != 0 {
		t.Fatalf("spool files created over TCP: %v", files)
	}
}
