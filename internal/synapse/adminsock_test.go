package synapse

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/synapse/admin"
)

// reportingGen is a fake generator whose proxy runs every service it was
// handed with one server in maintenance.
type reportingGen struct{ fakeGen }

func (g *reportingGen) Report(context.Context) generator.ProxyReport {
	rep := generator.ProxyReport{Generator: "haproxy", Reloads: 2, Services: map[string]generator.ProxyService{}}
	for _, s := range g.last() {
		rep.Services[s.Name] = generator.ProxyService{Backend: s.Name, Servers: []generator.ProxyServer{{Name: "x", Status: "MAINT"}}}
	}
	return rep
}

func reportingSpec() GeneratorSpec {
	return GeneratorSpec{Name: "gen", Fingerprint: "r", New: func(generator.Options) (generator.Generator, error) {
		return &reportingGen{fakeGen{name: "gen"}}, nil
	}}
}

// GET /v1/status is /status plus each reporting generator's view; the
// socket is gone once Run returns.
func TestAdminSocketStatus(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "synapse.sock")
	h := start(t, Options{AdminSocket: sock}, func(*harness) *Desired { return desired(reportingSpec(), spec("web", "w", "")) })
	h.hub.send(t, "web", 5)
	c := admin.NewClient(sock)
	var st admin.StatusResult
	eventually(t, "status with haproxy", func() bool {
		var err error
		st, err = c.Status(t.Context())
		return err == nil && len(st.Services) == 1 && st.Services[0].HAProxy != nil
	})
	if s := st.Services[0]; s.Name != "web" || len(s.Backends) != 1 || s.HAProxy.Servers[0].Status != "MAINT" ||
		len(st.Proxies) != 1 || st.Proxies[0].Reloads != 2 || !st.Ready {
		t.Fatalf("status = %+v", st)
	}
	if h.d.AdminSocketPath() != sock {
		t.Fatalf("AdminSocketPath = %q", h.d.AdminSocketPath())
	}
	h.stop()
	if _, err := os.Lstat(sock); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("socket left after stop: %v", err)
	}
}

// An explicit socket path that cannot be created stops the start; the
// default one only warns.
func TestAdminSocketFailure(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(file, "synapse.sock") // under a regular file
	cfg := desired(reportingSpec(), spec("web", "w", ""))
	d, err := New(Options{AdminSocket: bad, Load: func() (*Desired, error) { return cfg, nil }, NewWatcher: newHub().New})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Run(t.Context(), nil); err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("Run = %v, want an error naming %s", err, bad)
	}

	rec := &logRecorder{}
	h := start(t, Options{AdminSocket: bad, AdminSocketOptional: true, Logger: slog.New(rec)},
		func(*harness) *Desired { return cfg })
	h.hub.send(t, "web", 5)
	eventually(t, "an update", func() bool { return h.d.Status().Ready })
	if rec.count("running without the admin socket") != 1 || h.d.AdminSocketPath() != "" {
		t.Fatalf("want one warning and no socket; path %q", h.d.AdminSocketPath())
	}
}
