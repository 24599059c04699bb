package haproxy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
)

// Report joins the servers handed over with "show stat" of the service's
// backend (backend_name honoured), and counts the reload command's runs.
func TestReport(t *testing.T) {
	sock := newFakeSocket(t, "# pxname,svname,status,weight,lastchg,addr,type\n"+
		"be_web,BACKEND,UP,2,100,,1\n"+
		"be_web,a_10.0.0.1:80,MAINT,1,30,10.0.0.1:80,2\n"+
		"be_web,extra,DRAIN,0,5,10.0.0.9:80,2\n"+
		"other,x,UP,1,1,10.0.0.7:80,2\n")
	clock := newFakeClock()
	marker := filepath.Join(t.TempDir(), "ok")
	cfg := baseConfig()
	cfg.SocketFilePath = []string{filepath.Join(t.TempDir(), "missing.sock"), sock.path}
	cfg.DoReloads, cfg.ReloadCommand = true, "test -e "+marker+" || { echo 'no master'; exit 3; }"
	g := newTestGenerator(t, cfg, clock)
	mustUpdate(t, g, svc(g, t, "web", "backend_name: be_web", live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 80)))
	rep := g.Report(context.Background())
	if rep.Reloads != 0 || rep.ReloadFailures != 1 || rep.LastReload == nil || rep.LastReload.OK ||
		!strings.Contains(rep.LastReload.Error, "no master") || len(rep.PendingReload) == 0 {
		t.Fatalf("reloads after a failure: %+v %+v", rep, rep.LastReload)
	}
	if rep.Socket != sock.path || rep.Error != "" {
		t.Fatalf("socket %q error %q, want the second socket read", rep.Socket, rep.Error)
	}
	want := []generator.ProxyServer{
		{Name: "a_10.0.0.1:80", Addr: "10.0.0.1:80", Discovered: true, Status: "MAINT", Weight: 1, LastChange: rep.ReadAt.Add(-30 * time.Second)},
		{Name: "b_10.0.0.2:80", Addr: "10.0.0.2:80", Discovered: true},
		{Name: "extra", Addr: "10.0.0.9:80", Status: "DRAIN", LastChange: rep.ReadAt.Add(-5 * time.Second)},
	}
	got := rep.Services["web"]
	if got.Backend != "be_web" || len(got.Servers) != len(want) {
		t.Fatalf("web = %+v", got)
	}
	for i := range want {
		if got.Servers[i] != want[i] {
			t.Errorf("server %d = %+v, want %+v", i, got.Servers[i], want[i])
		}
	}

	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	clock.advance(time.Minute)
	if err := g.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	rep = g.Report(context.Background())
	if rep.Reloads != 1 || rep.ReloadFailures != 1 || !rep.LastReload.OK || len(rep.PendingReload) != 0 ||
		!strings.HasPrefix(rep.LastReload.Reasons[0], "initial") {
		t.Fatalf("reloads after a success: %+v %+v", rep, rep.LastReload)
	}
}

func TestReportWithoutSocket(t *testing.T) {
	g := newTestGenerator(t, baseConfig(), newFakeClock())
	mustUpdate(t, g, svc(g, t, "web", "{}", live("a", "10.0.0.1", 80)))
	rep := g.Report(context.Background())
	if !strings.Contains(rep.Error, "no socket_file_path") || len(rep.Services["web"].Servers) != 1 ||
		rep.Services["web"].Servers[0].Status != "" {
		t.Fatalf("report = %+v", rep)
	}
}

// --once writes the config but neither tells nor reloads HAProxy; a dry
// run's Preview writes nothing at all, not even a file's mode.
func TestOnceAndPreview(t *testing.T) {
	sock := newFakeSocket(t, statCSV("web,BACKEND,UP"))
	cmd, reloads := reloadCounter(t)
	dir := t.TempDir()
	cfg := baseConfig()
	cfg.ConfigFilePath = filepath.Join(dir, "haproxy.cfg")
	cfg.DoWrites, cfg.DoSocket, cfg.DoReloads, cfg.ReloadCommand = true, true, true, cmd
	cfg.SocketFilePath = []string{sock.path}

	existing := filepath.Join(dir, "existing.cfg")
	if err := os.WriteFile(existing, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dry := *cfg
	dry.ConfigFilePath = existing
	g, err := New(&dry, generator.Options{Once: true, DryRun: true, FileMode: 0o600})
	if err != nil {
		t.Fatal(err)
	}
	path, text, err := g.Preview(context.Background(), []generator.Service{svc(g, t, "web", "{}", live("a", "10.0.0.1", 80))})
	if err != nil || path != existing || !strings.Contains(string(text), "server a_10.0.0.1:80 10.0.0.1:80") {
		t.Fatalf("Preview = %q, %q, %v", path, text, err)
	}
	if fi, err := os.Stat(existing); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("dry run touched %s: %v %v", existing, fi.Mode(), err)
	}

	g, err = New(cfg, generator.Options{Once: true})
	if err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, g, svc(g, t, "web", "{}", live("a", "10.0.0.1", 80)))
	if b, err := os.ReadFile(cfg.ConfigFilePath); err != nil || !strings.Contains(string(b), "server a_10.0.0.1:80") {
		t.Fatalf("config not written: %v", err)
	}
	if reloads() != 0 || len(sock.commands()) != 0 || sock.showStats() != 0 {
		t.Fatalf("--once reached HAProxy: %d reloads, commands %q, %d show stat", reloads(), sock.commands(), sock.showStats())
	}
}
