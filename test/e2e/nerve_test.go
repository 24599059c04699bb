package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/nerve/admin"
	"github.com/smartstack-go/smartstack/test/testutil"
)

func payload(port int) string {
	return fmt.Sprintf(`{"host":"127.0.0.1","port":%d,"name":"e2e-host"}`, port)
}

// The vertical slice: healthy → exact znode; unhealthy for fall rounds →
// gone; healthy → back; SIGTERM → gone at once and exit 0 within 2 s.
func TestNerveRegistersAndDeregisters(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	zc := connectZK(t, z.Addrs())
	root := testutil.ZKPath(t)
	svc := newHealthService(t)
	cfgPath := filepath.Join(t.TempDir(), "nerve.conf.json")
	writeConfig(t, cfgPath, nerveWebConfig(svc, z, root, nil))
	p := startNerve(t, "-c", cfgPath)
	wantChildren(t, zc, root+"/web", payload(svc.port))

	svc.ok.Store(false)
	wantChildren(t, zc, root+"/web")
	svc.ok.Store(true)
	wantChildren(t, zc, root+"/web", payload(svc.port))

	start := time.Now()
	p.signal(t, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(2 * time.Second):
		t.Fatal("nerve did not exit within 2s of SIGTERM")
	}
	if p.err != nil {
		t.Fatalf("exit: %v", p.err)
	}
	got, err := children(zc, root+"/web")
	if err != nil || len(got) != 0 {
		t.Fatalf("after exit (%s): children %q, err %v", time.Since(start), got, err)
	}
}

// SIGHUP applies a per-service diff; a bad config keeps the running one.
func TestNerveReload(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	zc := connectZK(t, z.Addrs())
	root := testutil.ZKPath(t)
	a, b := newHealthService(t), newHealthService(t)
	cfgPath := filepath.Join(t.TempDir(), "nerve.conf.json")
	cfg := func(svcs map[string]any) map[string]any {
		return map[string]any{"instance_id": "e2e-host", "services": svcs}
	}
	writeConfig(t, cfgPath, cfg(map[string]any{"a": service(a.port, z.ConnectString(), root+"/a")}))
	p := startNerve(t, "-c", cfgPath)
	wantChildren(t, zc, root+"/a", payload(a.port))

	writeConfig(t, cfgPath, cfg(map[string]any{"b": service(b.port, z.ConnectString(), root+"/b")}))
	p.signal(t, syscall.SIGHUP)
	wantChildren(t, zc, root+"/b", payload(b.port))
	wantChildren(t, zc, root+"/a")

	bad := service(b.port, z.ConnectString(), root+"/b")
	bad["checks"] = []map[string]any{{"type": "no-such-check"}}
	writeConfig(t, cfgPath, cfg(map[string]any{"b": bad, "c": service(a.port, z.ConnectString(), root+"/c")}))
	p.signal(t, syscall.SIGHUP)
	testutil.Eventually(t, 5*time.Second, func() error {
		if !strings.Contains(p.stderr.String(), "keeping the running config") {
			return fmt.Errorf("no reload failure logged")
		}
		return nil
	})
	wantChildren(t, zc, root+"/b", payload(b.port))
	wantChildren(t, zc, root+"/c")
	if !p.alive() {
		t.Fatal("nerve exited on a bad reload")
	}
}

// Maintenance over the admin socket, with `nerve maint`: the znode goes
// away and comes back, both status views show it; an unknown service is
// refused. The metrics listener,
// on its default address 127.0.0.1, serves /status and /metrics.
func TestNerveMaintenance(t *testing.T) {
	z := testutil.SharedZooKeeper(t)
	zc := connectZK(t, z.Addrs())
	root := testutil.ZKPath(t)
	svc := newHealthService(t)
	port := testutil.FreePort(t)
	cfgPath := filepath.Join(t.TempDir(), "nerve.conf.json")
	writeConfig(t, cfgPath, nerveWebConfig(svc, z, root, map[string]any{"prometheus": map[string]any{"enabled": true, "port": port}}))
	sock := filepath.Join(t.TempDir(), "run", "nerve.sock")
	p := startNerve(t, "-c", cfgPath, "--maintenance-dir", t.TempDir(), "--admin-socket", sock)
	wantChildren(t, zc, root+"/web", payload(svc.port))
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	c, ctx := admin.NewClient(sock), t.Context()

	maint := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(buildNerve(t), append([]string{"maint", "--admin-socket", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("nerve maint %q: %v\n%s", args, err, out)
		}
		return string(out)
	}
	if out := maint("down", "web", "--reason", "deploy"); !strings.Contains(out, "web: in maintenance (deploy)") {
		t.Fatalf("maint down: %s", out)
	}
	wantChildren(t, zc, root+"/web")
	if out := maint("status"); !regexp.MustCompile(`(?m)^web +down +yes `).MatchString(out) {
		t.Fatalf("maint status:\n%s", out)
	}
	if body := httpDo(t, http.MethodGet, base+"/status", "", http.StatusOK); !strings.Contains(body, `"maintenance": true`) {
		t.Fatalf("status does not show maintenance:\n%s", body)
	}
	var unknown *admin.UnknownServiceError
	if _, err := c.MaintenanceDown(ctx, "anything", "", 0); !errors.As(err, &unknown) || !slices.Equal(unknown.Known, []string{"web"}) {
		t.Fatalf("unknown service: %v", err)
	}
	maint("up", "web")
	wantChildren(t, zc, root+"/web", payload(svc.port))
	body := httpDo(t, http.MethodGet, base+"/metrics", "", http.StatusOK)
	for _, m := range []string{"nerve_build_info", "nerve_watchers_up 1", "nerve_check_runs_total"} {
		if !strings.Contains(body, m) {
			t.Errorf("/metrics lacks %q", m)
		}
	}
	p.signal(t, syscall.SIGTERM)
	<-p.done
	if _, err := os.Lstat(sock); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("admin socket left after exit: %v", err)
	}
}

func httpDo(t *testing.T, method, url, body string, want int) string {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var resp *http.Response
	testutil.Eventually(t, 5*time.Second, func() error {
		resp, err = http.DefaultClient.Do(req)
		return err
	})
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", method, url, resp.StatusCode, buf.String(), want)
	}
	return buf.String()
}

// -k: exit 0 with a success line, or exit 78 (EX_CONFIG) with one line per problem.
func TestNerveCheckConfig(t *testing.T) {
	bin := buildNerve(t)
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good.json"), filepath.Join(dir, "bad.json")
	writeConfig(t, good, map[string]any{"instance_id": "x",
		"services": map[string]any{"web": service(8080, "127.0.0.1:1", "/nerve/web")}})
	badSvc := service(8080, "127.0.0.1:1", "/nerve/web")
	badSvc["checks"] = []map[string]any{{"type": "no-such-check"}}
	delete(badSvc, "port")
	writeConfig(t, bad, map[string]any{"instance_id": "x", "services": map[string]any{"web": badSvc}})
	for _, tc := range []struct {
		name, path string
		code       int
		want       string
	}{
		{"good", good, 0, "configuration check succeeded"},
		{"bad", bad, 78, "no-such-check"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, "-c", tc.path, "-k")
			out, _ := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); code != tc.code {
				t.Fatalf("exit %d, want %d:\n%s", code, tc.code, out)
			}
			if !strings.Contains(string(out), tc.want) {
				t.Fatalf("output lacks %q:\n%s", tc.want, out)
			}
		})
	}
}
