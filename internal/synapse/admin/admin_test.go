package admin

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

type fake struct{}

func (fake) AdminStatus(context.Context) StatusResult {
	return StatusResult{Ready: true, Services: []ServiceStatus{{Name: "web"}}}
}

func TestStatusRoute(t *testing.T) {
	dir, err := os.MkdirTemp("", "sadm") // short: sun_path
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "synapse.sock")
	srv, err := Start(sock, -1, fake{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close(context.Background()) })
	c := NewClient(sock)
	st, err := c.Status(context.Background())
	if err != nil || !st.Ready || len(st.Services) != 1 || st.Services[0].Name != "web" {
		t.Fatalf("Status = %+v, %v", st, err)
	}
	// The socket only reads: no other method or path answers 2xx.
	for _, tc := range []struct{ method, path string }{
		{"POST", PathStatus}, {"DELETE", PathStatus}, {"GET", "/status"}, {"GET", "/v1/maintenance/web"}, {"POST", "/v1/maintenance/web"},
	} {
		req, _ := http.NewRequest(tc.method, "http://synapse"+tc.path, nil)
		resp, err := c.sock.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 == 2 {
			t.Errorf("%s %s: %d", tc.method, tc.path, resp.StatusCode)
		}
	}
}

func TestDefaultSocket(t *testing.T) {
	env := map[string]string{}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	if got := DefaultSocket(lookup); got != "/run/synapse/synapse.sock" {
		t.Errorf("without RUNTIME_DIRECTORY: %s", got)
	}
	env["RUNTIME_DIRECTORY"] = "/run/synapse-a:/run/other"
	if got := DefaultSocket(lookup); got != "/run/synapse-a/synapse.sock" {
		t.Errorf("with RUNTIME_DIRECTORY: %s", got)
	}
}
