package nerve

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// /status and /metrics are served on the metrics listener; a reload can
// turn the server off.
func TestStatusAndMetrics(t *testing.T) {
	f := &fleet{reps: map[string][]*fakeReporter{}}
	slow := func(s ServiceSpec) ServiceSpec { s.CheckInterval = time.Hour; return s } // only a wake runs a round
	cfg := services(slow(f.spec("a", "1")), slow(f.spec("b", "1")))
	cfg.Prometheus = Prometheus{Enabled: true, Addr: "127.0.0.1:0"}
	spool := t.TempDir()
	if err := os.WriteFile(spool+"/a", []byte("deploy\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	td := startDaemon(t, cfg, func(o *Options) { o.MaintenanceDir = spool })
	want(t, f, "b@1")
	base := "http://" + waitAddr(t, td.d)

	var st struct{ Services []ServiceStatus }
	if err := json.Unmarshal([]byte(do(t, "GET", base+"/status", "", 200)), &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Services) != 2 || !st.Services[0].Maintenance || st.Services[0].Reported != "down" || st.Services[1].Reported != "up" {
		t.Fatalf("status %+v", st.Services)
	}
	if body := do(t, "GET", base+"/metrics", "", 200); !strings.Contains(body, "nerve_build_info") {
		t.Fatal("metrics lack nerve_build_info")
	}

	off := services(slow(f.spec("a", "1")), slow(f.spec("b", "1")))
	td.load(off, nil)
	testutil.Eventually(t, 5*time.Second, func() error {
		if a := td.d.MetricsAddr(); a != "" {
			return fmt.Errorf("still serving on %s", a)
		}
		return nil
	})
}

// Nothing that changes state is reachable over TCP: every write method on
// the old maintenance routes, the admin socket's routes and the read-only
// ones is refused, no spool file appears and the services stay in rotation.
func TestMetricsListenerChangesNothing(t *testing.T) {
	f := &fleet{reps: map[string][]*fakeReporter{}}
	cfg := services(f.spec("a", "1"), f.spec("b", "1"))
	cfg.Prometheus = Prometheus{Enabled: true, Addr: "127.0.0.1:0"}
	spool := t.TempDir()
	td := startDaemon(t, cfg, func(o *Options) { o.MaintenanceDir = spool })
	want(t, f, "a@1 b@1")
	base := "http://" + waitAddr(t, td.d)
	for _, method := range []string{"POST", "PUT", "DELETE", "PATCH"} {
		for _, path := range []string{"/maintenance/a", "/maintenance/all", "/maintenance/anything",
			"/v1/maintenance/a", "/v1/maintenance/all", "/status", "/metrics", "/", "/v1/status"} {
			t.Run(method+path, func(t *testing.T) {
				if code := status(t, method, base+path, "deploy"); code/100 == 2 {
					t.Fatalf("%s %s answered %d", method, path, code)
				}
			})
		}
	}
	if files, _ := os.ReadDir(spool); len(files) != 0 {
		t.Fatalf("spool files created over TCP: %v", files)
	}
	want(t, f, "a@1 b@1")
}

func waitAddr(t *testing.T, d *Daemon) string {
	var addr string
	testutil.Eventually(t, 5*time.Second, func() error {
		if addr = d.MetricsAddr(); addr == "" {
			return fmt.Errorf("metrics server not up")
		}
		return nil
	})
	return addr
}

func status(t *testing.T, method, url, body string) int {
	t.Helper()
	code, _ := request(t, method, url, body)
	return code
}

func do(t *testing.T, method, url, body string, want int) string {
	t.Helper()
	code, b := request(t, method, url, body)
	if code != want {
		t.Fatalf("%s %s: %d %s", method, url, code, b)
	}
	return b
}

func request(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
