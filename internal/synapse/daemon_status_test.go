package synapse

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func TestStatusServer(t *testing.T) {
	h := start(t, Options{}, func(h *harness) *Desired {
		d := desired(genSpec("g", &h.gens, &h.mu), spec("web", "w", ""))
		d.Prometheus = Prometheus{Enabled: true, Addr: "127.0.0.1:0"}
		return d
	})
	h.hub.send(t, "web", 5)
	eventually(t, "server", func() bool { return h.d.MetricsAddr() != "" && len(h.gen(0).updates()) > 0 })
	get := func(path string) string {
		resp, err := http.Get("http://" + h.d.MetricsAddr() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	var st Status
	if err := json.Unmarshal([]byte(get("/status")), &st); err != nil {
		t.Fatal(err)
	}
	if !st.Ready || len(st.Services) != 1 || st.Services[0].Name != "web" || len(st.Services[0].Backends) != 1 ||
		st.Services[0].Revision != 1 || !st.Services[0].Watcher.Discovered {
		t.Fatalf("status = %+v", st)
	}
	if m := get("/metrics"); !strings.Contains(m, `synapse_backends{service="web"} 1`) {
		t.Fatalf("metrics lack synapse_backends:\n%s", m)
	}

	// The listener is read-only: no write method on any path answers 2xx
	// (nerve's maintenance paths included, in case a config points a
	// client at the wrong daemon), and the state is unchanged after.
	for _, method := range []string{"POST", "PUT", "DELETE", "PATCH"} {
		for _, path := range []string{"/status", "/metrics", "/", "/maintenance/web", "/maintenance/all", "/v1/maintenance/web"} {
			req, _ := http.NewRequest(method, "http://"+h.d.MetricsAddr()+path, strings.NewReader("x"))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode/100 == 2 {
				t.Errorf("%s %s answered %d", method, path, resp.StatusCode)
			}
		}
	}
	if st := h.d.Status(); len(st.Services) != 1 || len(st.Services[0].Backends) != 1 || st.Services[0].Revision != 1 {
		t.Fatalf("status after the write attempts = %+v", st)
	}
}

func TestFirstConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  func(h *harness) *Desired
		want string
	}{
		{"bad section", func(h *harness) *Desired { return desired(genSpec("g", &h.gens, &h.mu), spec("a", "a", "bad")) }, "bad section"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := &harness{t: t}
			d, _ := New(Options{Load: func() (*Desired, error) { return tc.cfg(h), nil }, NewWatcher: newHub().New,
				Registerer: prometheus.NewRegistry()})
			err := d.Run(t.Context(), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Run = %v, want %q", err, tc.want)
			}
		})
	}
}

// value reads a counter or gauge child.
func value(c prometheus.Collector) float64 {
	ch := make(chan prometheus.Metric, 1)
	c.Collect(ch)
	var m dto.Metric
	if err := (<-ch).Write(&m); err != nil {
		panic(err)
	}
	if m.Counter != nil {
		return m.Counter.GetValue()
	}
	return m.Gauge.GetValue()
}
