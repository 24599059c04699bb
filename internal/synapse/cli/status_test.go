package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/cliutil"
	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/synapse/admin"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

var at = time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)

func fakeStatus() admin.StatusResult {
	return admin.StatusResult{Ready: true,
		Services: []admin.ServiceStatus{
			{Name: "web", Method: "zookeeper", Ready: true, Backends: []registration.Backend{{Host: "10.0.0.1", Port: registration.NumberPort(80)}},
				Watcher: admin.WatcherHealth{Running: true, Discovered: true, Snapshots: 3, LastSnapshot: at.Add(-5 * time.Second)},
				HAProxy: &generator.ProxyService{Backend: "web", Servers: []generator.ProxyServer{
					{Name: "i1_10.0.0.1:80", Addr: "10.0.0.1:80", Discovered: true, Status: "MAINT", Weight: 10, LastChange: at.Add(-time.Minute)},
					{Name: "old", Addr: "10.0.0.9:80", Status: "DRAIN"}}}},
			{Name: "db", Method: "dns", Backends: []registration.Backend{{Name: registration.StringValue("x"), Host: "h", Port: registration.NumberPort(5)}},
				Watcher: admin.WatcherHealth{Running: true, LastError: "no\nsuch host"}},
		},
		Proxies: []generator.ProxyReport{{Generator: "haproxy", Reloads: 2, ReloadFailures: 1, Socket: "/run/haproxy.sock",
			LastReload:    &generator.ReloadEvent{Time: at.Add(-time.Hour), Reasons: []string{"new_server: x"}, OK: false, Error: "exit status 1"},
			PendingReload: []string{"new_server: x"}}},
	}
}

type fakeSynapse struct{}

func (fakeSynapse) AdminStatus(context.Context) admin.StatusResult { return fakeStatus() }

func TestPrintStatus(t *testing.T) {
	var out bytes.Buffer
	if err := printStatus(&out, fakeStatus(), at); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	for _, want := range []string{
		"synapse: ready",
		"db       dns        waiting  1         -                              0         no such host",
		"web      zookeeper  ok       1         2026-12-07T03:59:55Z (5s ago)  0         -",
		"db       x               h:5          yes         -        -       -",
		"web      i1_10.0.0.1:80  10.0.0.1:80  yes         MAINT    10      2026-12-07T03:59:00Z (1m0s ago)",
		"web      old             10.0.0.9:80  no          DRAIN    0       -",
		"haproxy: 2 reloads, 1 failed; last 2026-12-07T03:00:00Z (1h0m0s ago), FAILED: exit status 1 (new_server: x)",
		"haproxy: reload pending: new_server: x",
		"haproxy: live state read from /run/haproxy.sock",
	} {
		found := false
		for _, l := range lines {
			found = found || strings.TrimRight(l, " ") == want
		}
		if !found {
			t.Errorf("no line %q in:\n%s", want, out.String())
		}
	}
}

// `synapse status` reads the socket of --admin-socket or
// SYNAPSE_ADMIN_SOCKET; -o json is the socket's document.
func TestStatusCommand(t *testing.T) {
	dir, err := os.MkdirTemp("", "sst") // short: sun_path
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "synapse.sock")
	srv, err := admin.Start(sock, -1, fakeSynapse{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close(context.Background()) })

	var out, errOut bytes.Buffer
	if code := Main([]string{"status", "--admin-socket", sock}, &out, &errOut); code != cliutil.ExitOK ||
		!strings.Contains(out.String(), "i1_10.0.0.1:80") {
		t.Fatalf("exit %d:\n%s%s", code, out.String(), errOut.String())
	}
	t.Setenv("SYNAPSE_ADMIN_SOCKET", sock)
	out.Reset()
	if code := Main([]string{"status", "-o", "json"}, &out, &errOut); code != cliutil.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var st admin.StatusResult
	if err := json.Unmarshal(out.Bytes(), &st); err != nil || len(st.Services) != 2 || st.Services[0].HAProxy.Servers[0].Status != "MAINT" {
		t.Fatalf("json %v: %s", err, out.String())
	}

	missing := filepath.Join(dir, "missing.sock")
	errOut.Reset()
	if code := Main([]string{"status", "--admin-socket", missing}, &out, &errOut); code != cliutil.ExitError ||
		!strings.Contains(errOut.String(), "is synapse running with --admin-socket "+missing) {
		t.Fatalf("missing socket: exit %d: %s", code, errOut.String())
	}
	errOut.Reset()
	if code := Main([]string{"status", "-o", "yaml"}, &out, &errOut); code != cliutil.ExitError || !strings.Contains(errOut.String(), "want table or json") {
		t.Fatalf("-o yaml: exit %d: %s", code, errOut.String())
	}
}

// The daemon's socket flags: the default is not explicit (a failure only
// warns); the flag or the environment make it explicit.
func TestAdminSocketFlags(t *testing.T) {
	for _, tc := range []struct {
		name, env string
		args      []string
		path      string
		explicit  bool
	}{
		{"default", "", nil, "/run/synapse/synapse.sock", false},
		{"env", "/tmp/a.sock", nil, "/tmp/a.sock", true},
		{"flag", "", []string{"--admin-socket", "/tmp/b.sock"}, "/tmp/b.sock", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("RUNTIME_DIRECTORY", "")
			if tc.env != "" {
				t.Setenv("SYNAPSE_ADMIN_SOCKET", tc.env)
			} else {
				os.Unsetenv("SYNAPSE_ADMIN_SOCKET")
			}
			var f adminFlags
			cmd := NewRootCmd(&bytes.Buffer{}, &bytes.Buffer{})
			cmd.ResetFlags()
			f.register(cmd.Flags())
			if err := cmd.ParseFlags(tc.args); err != nil {
				t.Fatal(err)
			}
			f.resolve(cmd)
			if f.socket != tc.path || f.explicit != tc.explicit {
				t.Fatalf("socket %q explicit %v, want %q %v", f.socket, f.explicit, tc.path, tc.explicit)
			}
		})
	}
}

func TestOnceFlags(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("nginx: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := Main([]string{"--once", "-c", bad}, &out, &errOut); code != cliutil.ExitConfig || !strings.Contains(errOut.String(), "synapse: config error:") {
		t.Fatalf("bad config: exit %d: %s", code, errOut.String())
	}
	errOut.Reset()
	if code := Main([]string{"--dry-run", "-c", bad}, &out, &errOut); code != cliutil.ExitError || !strings.Contains(errOut.String(), "--dry-run goes with --once") {
		t.Fatalf("--dry-run alone: exit %d: %s", code, errOut.String())
	}
}
