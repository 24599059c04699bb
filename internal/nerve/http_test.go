package nerve

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/test/testutil"
)

// Maintenance over HTTP takes one service out of rotation and back, leaving
// the others alone; /status and /metrics are served beside it; a reload can
// turn the server off (case 66).
func TestMaintenanceAndStatus(t *testing.T) {
	f := &fleet{reps: map[string][]*fakeReporter{}}
	slow := func(s ServiceSpec) ServiceSpec { s.CheckInterval = time.Hour; return s } // only a wake runs a round
	cfg := services(slow(f.spec("a", "1")), slow(f.spec("b", "1")))
	cfg.Prometheus = Prometheus{Enabled: true, Addr: "127.0.0.1:0"}
	td := startDaemon(t, cfg, func(o *Options) { o.MaintenanceDir = t.TempDir() })
	want(t, f, "a@1 b@1")
	base := "http://" + waitAddr(t, td.d)

	do(t, "POST", base+"/maintenance/a", "deploy", http.StatusNoContent)
	want(t, f, "b@1")
	var st struct{ Services []ServiceStatus }
	if err := json.Unmarshal([]byte(do(t, "GET", base+"/status", "", 200)), &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Services) != 2 || !st.Services[0].Maintenance || st.Services[0].Reported != "down" || st.Services[1].Reported != "up" {
		t.Fatalf("status %+v", st.Services)
	}
	do(t, "DELETE", base+"/maintenance/a", "", http.StatusNoContent)
	want(t, f, "a@1 b@1")
	do(t, "POST", base+"/maintenance/a%2Fb", "", http.StatusBadRequest)
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

func do(t *testing.T, method, url, body string, want int) string {
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
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, b)
	}
	return string(b)
}
