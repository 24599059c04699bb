package haproxy

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// socketGenerator has only do_socket on, like the original's specs that
// stub out writes and reloads.
func socketGenerator(t *testing.T, sockets ...*fakeSocket) *Generator {
	t.Helper()
	cfg := baseConfig()
	cfg.DoSocket = true
	for _, s := range sockets {
		cfg.SocketFilePath = append(cfg.SocketFilePath, s.path)
	}
	g := newTestGenerator(t, cfg, newFakeClock())
	g.reloads = reloads{} // forget the initial reload, to see the socket's own
	return g
}

func svc(g *Generator, t testing.TB, name, section string, backends ...registration.Backend) generator.Service {
	t.Helper()
	return generator.Service{Name: name, Config: normalized(t, g, name, section), Backends: backends}
}

// A DOWN server that is live is enabled, no reload.
func TestSocketEnablesLiveServer(t *testing.T) {
	sock := newFakeSocket(t, statCSV("example_service,BACKEND,UP", "example_service,somehost:5555,DOWN"))
	g := socketGenerator(t, sock)
	mustUpdate(t, g, svc(g, t, "example_service", "server_options: check inter 2000 rise 3 fall 2", live("", "somehost", 5555)))
	if got, want := sock.commands(), []string{"enable server example_service/somehost:5555"}; !slices.Equal(got, want) {
		t.Errorf("commands = %q, want %q", got, want)
	}
	if p := g.PendingReload(); p != nil {
		t.Errorf("reload pending: %q", p)
	}
}

// The server of a disabled service is disabled; an UP live
// server gets no command.
func TestSocketDisablesDisabledService(t *testing.T) {
	sock := newFakeSocket(t, statCSV(
		"example_service,somehost:5555,DOWN", "disabled_watcher,somehost:5555,UP", "example_service,other:1,UP"))
	g := socketGenerator(t, sock)
	mustUpdate(t, g,
		svc(g, t, "disabled_watcher", "disabled: true", live("", "somehost", 5555)),
		svc(g, t, "example_service", "{}", live("", "somehost", 5555)))
	want := []string{
		"enable server example_service/somehost:5555",
		"disable server disabled_watcher/somehost:5555",
		"disable server example_service/other:1",
	}
	if got := sock.commands(); !slices.Equal(got, want) {
		t.Errorf("commands = %q, want %q", got, want)
	}
	if p := g.PendingReload(); p != nil {
		t.Errorf("reload pending: %q", p)
	}
}

// Every socket of socket_file_path is updated.
func TestSocketEveryPath(t *testing.T) {
	s1 := newFakeSocket(t, statCSV("svc,a:1,MAINT"))
	s2 := newFakeSocket(t, statCSV("svc,a:1,UP"))
	g := socketGenerator(t, s1, s2)
	mustUpdate(t, g, svc(g, t, "svc", "{}", live("", "a", 1)))
	if s1.showStats() != 1 || s2.showStats() != 1 {
		t.Errorf("show stat sent %d and %d times, want once each", s1.showStats(), s2.showStats())
	}
	if got := s1.commands(); !slices.Equal(got, []string{"enable server svc/a:1"}) {
		t.Errorf("socket 1 commands = %q", got)
	}
	if got := s2.commands(); len(got) != 0 {
		t.Errorf("socket 2 commands = %q, want none", got)
	}
}

// Without do_socket nothing is sent and every update
// makes a reload pending.
func TestNoSocketAlwaysReload(t *testing.T) {
	g := newTestGenerator(t, baseConfig(), newFakeClock())
	g.reloads = reloads{}
	mustUpdate(t, g, svc(g, t, "svc", "{}", live("", "a", 1)))
	if p := g.PendingReload(); len(p) != 1 || !strings.HasPrefix(p[0], "no_socket") {
		t.Errorf("pending = %q, want no_socket", p)
	}
}

// Fix of an original bug: servers of backends synapse does not manage (static
// servers in extra_sections, services without a haproxy section) are left
// alone, and a custom backend_name is the proxy that is reconciled.
func TestSocketLeavesUnmanagedBackends(t *testing.T) {
	sock := newFakeSocket(t, statCSV(
		"static,s1:80,UP", "nohaproxy,h:1,UP", "custom-be,a:1,MAINT", "custom-be,b:1,UP", "svc,x:1,UP"))
	g := socketGenerator(t, sock)
	mustUpdate(t, g,
		generator.Service{Name: "nohaproxy", Backends: []registration.Backend{live("", "h", 1)}},
		svc(g, t, "svc", "backend_name: custom-be", live("", "a", 1)))
	want := []string{"enable server custom-be/a:1", "disable server custom-be/b:1"}
	if got := sock.commands(); !slices.Equal(got, want) {
		t.Errorf("commands = %q, want %q", got, want)
	}
	if p := g.PendingReload(); p != nil {
		t.Errorf("reload pending: %q", p)
	}
}

// A server already in maintenance is not disabled again on every update.
func TestSocketSkipsMaintServers(t *testing.T) {
	sock := newFakeSocket(t, statCSV("svc,a:1,UP", "svc,gone:1,MAINT"))
	g := socketGenerator(t, sock)
	mustUpdate(t, g, svc(g, t, "svc", "{}", live("", "a", 1)))
	if got := sock.commands(); len(got) != 0 {
		t.Errorf("commands = %q, want none", got)
	}
}

// A backend or server HAProxy does not run needs a
// reload; an empty service does not.
func TestSocketUnknownBackendOrServer(t *testing.T) {
	sock := newFakeSocket(t, statCSV("svc,a:1,UP", "empty,BACKEND,UP"))
	g := socketGenerator(t, sock)
	mustUpdate(t, g,
		svc(g, t, "svc", "{}", live("", "a", 1), live("", "b", 2)),
		svc(g, t, "newsvc", "{}", live("", "c", 3)),
		svc(g, t, "empty", "{}"))
	got := strings.Join(g.PendingReload(), "\n")
	for _, want := range []string{"new_server: server svc/b:2 is not running", "new_section: backend newsvc of service newsvc is not running"} {
		if !strings.Contains(got, want) {
			t.Errorf("pending = %q, want %q", got, want)
		}
	}
	if strings.Contains(got, "empty") {
		t.Errorf("pending = %q, an empty service needs no reload", got)
	}
}

// A refused command makes a reload pending; the others still apply.
func TestSocketRefusedCommand(t *testing.T) {
	sock := newFakeSocket(t, statCSV("svc,a:1,MAINT", "svc,b:1,MAINT"))
	sock.refuse["enable server svc/a:1"] = "No such server."
	g := socketGenerator(t, sock)
	mustUpdate(t, g, svc(g, t, "svc", "{}", live("", "a", 1), live("", "b", 1)))
	if got := sock.commands(); len(got) != 2 {
		t.Errorf("commands = %q, want both sent", got)
	}
	if p := g.PendingReload(); len(p) != 1 || !strings.HasPrefix(p[0], "socket_error") {
		t.Errorf("pending = %q, want socket_error", p)
	}
}

// Many commands go out in batches on few connections.
func TestSocketBatches(t *testing.T) {
	rows := []string{}
	var backends []registration.Backend
	for i := range 40 {
		rows = append(rows, "svc,h:"+strconv.Itoa(i+1)+",MAINT")
		backends = append(backends, live("", "h", i+1))
	}
	sock := newFakeSocket(t, statCSV(rows...))
	g := socketGenerator(t, sock)
	mustUpdate(t, g, svc(g, t, "svc", "{}", backends...))
	if got := sock.commands(); len(got) != 40 {
		t.Errorf("sent %d commands, want 40", len(got))
	}
}

// A dead socket is a pending reload and one error log, never a crash;
// when it answers again the reload reason does not come back.
func TestSocketDead(t *testing.T) {
	sock := newFakeSocket(t, statCSV("svc,a:1,UP"))
	g := socketGenerator(t, sock)
	away := sock.path + ".away"
	if err := os.Rename(sock.path, away); err != nil {
		t.Fatal(err)
	}
	s := svc(g, t, "svc", "{}", live("", "a", 1))
	for range 3 {
		mustUpdate(t, g, s)
	}
	if p := g.PendingReload(); len(p) != 1 || !strings.HasPrefix(p[0], "socket_error") {
		t.Fatalf("pending = %q, want one socket_error", p)
	}
	if _, down := g.socketDown[sock.path]; !down {
		t.Error("socket failure not remembered")
	}
	if err := os.Rename(away, sock.path); err != nil {
		t.Fatal(err)
	}
	g.reloads = reloads{}
	if err := g.Update(context.Background(), []generator.Service{s}); err != nil {
		t.Fatal(err)
	}
	if _, down := g.socketDown[sock.path]; g.PendingReload() != nil || down {
		t.Errorf("after recovery pending = %q, down = %v", g.PendingReload(), down)
	}
}

// A live server without health checks reports "no check": it takes traffic
// and must not be enabled again on every update (the bench saw ~117 needless
// commands per event), while one in maintenance still is.
func TestSocketLeavesNoCheckServers(t *testing.T) {
	sock := newFakeSocket(t, statCSV("svc,a:1,no check", "svc,b:1,MAINT"))
	g := socketGenerator(t, sock)
	mustUpdate(t, g, svc(g, t, "svc", "{}", live("", "a", 1), live("", "b", 1)))
	if got, want := sock.commands(), []string{"enable server svc/b:1"}; !slices.Equal(got, want) {
		t.Errorf("commands = %q, want %q", got, want)
	}
}
