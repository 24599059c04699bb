package haproxy

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

// deferSetup is a generator writing haproxy.cfg, with a fake HAProxy 2.6
// that takes "add server" for b and c: a runtime-applied change.
type deferSetup struct {
	g    *Generator
	cfg  *Config
	sock *fakeSocket
}

const deferSection = "backend: [mode tcp]"

func newDeferSetup(t *testing.T) *deferSetup {
	t.Helper()
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,a_10.0.0.1:80,UP"))
	for _, b := range []string{"b_10.0.0.2:80 10.0.0.2:80 id 2", "c_10.0.0.3:80 10.0.0.3:80 id 3"} {
		sock.refuse["add server svc/"+b] = "New server registered."
	}
	cfg := baseConfig()
	cfg.DoSocket, cfg.SocketFilePath = true, StringList{sock.path}
	cfg.DoWrites, cfg.ConfigFilePath = true, filepath.Join(t.TempDir(), "haproxy.cfg")
	s := &deferSetup{g: newTestGenerator(t, cfg, newFakeClock()), cfg: cfg, sock: sock}
	s.update(t, "a")
	s.g.reloads = reloads{} // the initial reload, which wrote the first file
	sock.commands()
	return s
}

var deferBackends = map[string]registration.Backend{
	"a": live("a", "10.0.0.1", 80), "b": live("b", "10.0.0.2", 80), "c": live("c", "10.0.0.3", 80),
}

// update sends svc with the named backends, plus extra services.
func (s *deferSetup) update(t *testing.T, names string, extra ...generator.Service) {
	t.Helper()
	var bs []registration.Backend
	for _, n := range strings.Split(names, ",") {
		bs = append(bs, deferBackends[n])
	}
	mustUpdate(t, s.g, append([]generator.Service{svc(s.g, t, "svc", deferSection, bs...)}, extra...)...)
}

func (s *deferSetup) file(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(s.cfg.ConfigFilePath)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const serverB, serverC = "\tserver b_10.0.0.2:80 10.0.0.2:80 id 2", "\tserver c_10.0.0.3:80 10.0.0.3:80 id 3"

// A change the socket applied in full leaves haproxy.cfg to the next
// Tick; one that needs a reload is written on the update's path, with
// the reasons of the last generation, not of the file left behind.
func TestDeferredWrite(t *testing.T) {
	t.Run("runtime change written at the tick", func(t *testing.T) {
		s := newDeferSetup(t)
		s.update(t, "a,b")
		if got := s.sock.commands(); !slices.Contains(got, "add server svc/b_10.0.0.2:80 10.0.0.2:80 id 2") {
			t.Fatalf("commands = %q, want b added", got)
		}
		if strings.Contains(s.file(t), serverB) {
			t.Errorf("haproxy.cfg written on the update's path:\n%s", s.file(t))
		}
		if err := s.g.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(s.file(t), serverB) {
			t.Errorf("haproxy.cfg lacks b after the tick:\n%s", s.file(t))
		}
	})
	t.Run("reload reason written at once, without the lag's lines", func(t *testing.T) {
		s := newDeferSetup(t)
		s.update(t, "a,b")
		s.update(t, "a,b,c") // still deferred: the file lags by two changes
		if p := s.g.PendingReload(); p != nil {
			t.Fatalf("reload pending after runtime changes: %q", p)
		}
		// HAProxy runs what the commands added: nothing is sent again, so
		// only the last generation tells b and c are no news.
		s.sock.mu.Lock()
		s.sock.stat = statCSV("svc,BACKEND,UP", "svc,a_10.0.0.1:80,UP", "svc,b_10.0.0.2:80,UP", "svc,c_10.0.0.3:80,UP")
		s.sock.mu.Unlock()
		s.g.forgetAllStats()
		s.update(t, "a,b,c", svc(s.g, t, "other", "port: 3300", live("x", "10.0.0.9", 80)))
		text := s.file(t)
		if !strings.Contains(text, serverB) || !strings.Contains(text, "frontend other") {
			t.Errorf("haproxy.cfg not written with the new frontend:\n%s", text)
		}
		p := s.g.PendingReload()
		if len(p) == 0 || slices.ContainsFunc(p, func(r string) bool { return strings.Contains(r, "svc") }) {
			t.Errorf("pending = %q, want the new section's reasons only", p)
		}
	})
	t.Run("a reload loads the last generation", func(t *testing.T) {
		s := newDeferSetup(t)
		s.update(t, "a,b")
		snapshot := filepath.Join(t.TempDir(), "loaded.cfg")
		s.cfg.DoReloads, s.cfg.ReloadCommand = true, "cp "+s.cfg.ConfigFilePath+" "+snapshot
		s.g.reloads.add(reasonConfigChanged, "from the test")
		if err := s.g.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(snapshot)
		if err != nil {
			t.Fatalf("reload_command did not run: %v", err)
		}
		if !strings.Contains(string(b), serverB) {
			t.Errorf("the reload loaded a file without b:\n%s", b)
		}
	})
	t.Run("flush writes once", func(t *testing.T) {
		s := newDeferSetup(t)
		s.update(t, "a,b")
		mustFlush(t, s.g)
		fi, err := os.Stat(s.cfg.ConfigFilePath)
		if err != nil {
			t.Fatal(err)
		}
		mustFlush(t, s.g)
		if again, err := os.Stat(s.cfg.ConfigFilePath); err != nil || !os.SameFile(fi, again) {
			t.Errorf("a second flush with nothing behind rewrote the file (err %v)", err)
		}
	})
}
