package haproxy

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/statefile"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

func stateGenerator(t *testing.T, clock *fakeClock, statePath string, edit func(*Config)) (*Generator, *Config) {
	t.Helper()
	return writeGenerator(t, clock, func(c *Config) {
		c.StateFilePath = statePath
		c.StateFileTTL = 60 * 1e9
		if edit != nil {
			edit(c)
		}
	})
}

func readState(t *testing.T, path string) map[string]map[string]map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]map[string]map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("state file: %v\n%s", err, b)
	}
	return out
}

// The cache is keyed by service and server name with a
// timestamp and the service's map; dropping to zero backends keeps it;
// ttl+1 s later it is empty.
func TestStateFileTTL(t *testing.T) {
	clock := newFakeClock()
	path := filepath.Join(t.TempDir(), "state.json")
	g, _ := stateGenerator(t, clock, path, nil)
	mustUpdate(t, g,
		svc(g, t, "one", "port: 3000\nserver_options: check", live("i-1", "10.0.0.1", 80)),
		generator.Service{Name: "two", Backends: []registration.Backend{live("", "10.0.0.2", 81)}})
	st := readState(t, path)
	srv := st["one"]["i-1_10.0.0.1:80"]
	if srv["timestamp"] != float64(clock.now().Unix()) || srv["haproxy_server_id"] != float64(1) || srv["host"] != "10.0.0.1" {
		t.Errorf("server entry = %v", srv)
	}
	if cfg := st["one"][statefile.ConfigKey]; cfg["server_options"] != "check" || cfg["port"] != float64(3000) {
		t.Errorf("%s = %v", statefile.ConfigKey, cfg)
	}
	if _, ok := st["two"]["10.0.0.2:81"]; !ok {
		t.Errorf("service without a haproxy section not cached: %v", st["two"])
	}
	before, _ := os.ReadFile(path)
	mustUpdate(t, g, svc(g, t, "one", "port: 3000\nserver_options: check"), generator.Service{Name: "two"})
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("cache changed when backends went away:\n%s", after)
	}
	clock.advance(61 * time.Second)
	if err := g.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "{}" {
		t.Errorf("cache after ttl+1s = %s, want {}", b)
	}
}

// A server missing from discovery stays in the config, disabled, with its
// id, and comes back through the socket without a reload.
func TestStateCachedServerComesBack(t *testing.T) {
	clock := newFakeClock()
	sock := newFakeSocket(t, statCSV("svc,a:1,UP", "svc,b:2,UP"))
	g, cfg := stateGenerator(t, clock, filepath.Join(t.TempDir(), "state.json"), func(c *Config) {
		c.DoSocket, c.SocketFilePath = true, StringList{sock.path}
	})
	both := svc(g, t, "svc", "backend_order: asc", live("", "a", 1), live("", "b", 2))
	mustUpdate(t, g, both)
	g.reloads = reloads{}
	sock.commands()

	mustUpdate(t, g, svc(g, t, "svc", "backend_order: asc", live("", "a", 1)))
	mustFlush(t, g)
	text, _ := os.ReadFile(cfg.ConfigFilePath)
	if !strings.Contains(string(text), "\tserver b:2 b:2 id 2 cookie b:2  disabled\n") {
		t.Errorf("cached server not written disabled with its id:\n%s", text)
	}
	if got := sock.commands(); len(got) != 1 || got[0] != "disable server svc/b:2" {
		t.Errorf("commands = %q", got)
	}
	sock.setStat(statCSV("svc,a:1,UP", "svc,b:2,MAINT"))
	mustUpdate(t, g, both)
	if got := sock.commands(); len(got) != 1 || got[0] != "enable server svc/b:2" {
		t.Errorf("commands = %q", got)
	}
	if p := g.PendingReload(); p != nil {
		t.Errorf("reload pending: %q", p)
	}
}

// Ids survive a restart through the state file, and a state file that is
// not JSON is rebuilt, not fatal.
func TestStateIDsAcrossRestart(t *testing.T) {
	clock := newFakeClock()
	path := filepath.Join(t.TempDir(), "state.json")
	g, _ := stateGenerator(t, clock, path, nil)
	mustUpdate(t, g, svc(g, t, "svc", "backend_order: no_shuffle", live("", "a", 1), live("", "b", 2), live("", "c", 3)))
	g2, cfg2 := stateGenerator(t, clock, path, nil)
	mustUpdate(t, g2, svc(g2, t, "svc", "backend_order: no_shuffle", live("", "c", 3), live("", "new", 4)))
	text, _ := os.ReadFile(cfg2.ConfigFilePath)
	for _, want := range []string{"server a:1 a:1 id 1 ", "server b:2 b:2 id 2 ", "server c:3 c:3 id 3 ", "server new:4 new:4 id 4 "} {
		if !strings.Contains(string(text), want) {
			t.Errorf("config lacks %q:\n%s", want, text)
		}
	}
	os.WriteFile(path, []byte("{not json"), 0o644)
	g3, _ := stateGenerator(t, clock, path, nil)
	mustUpdate(t, g3, svc(g3, t, "svc", "{}", live("", "a", 1)))
	if _, ok := readState(t, path)["svc"]["a:1"]; !ok {
		t.Error("invalid state file not rebuilt")
	}
}

// The file is rewritten when it changes, else
// once per statefile.Refresh to keep timestamps and mtime current.
func TestStateWrittenWhenChangedOrDue(t *testing.T) {
	clock := newFakeClock()
	path := filepath.Join(t.TempDir(), "state.json")
	g, _ := stateGenerator(t, clock, path, nil)
	s := svc(g, t, "svc", "{}", live("", "a", 1))
	mustUpdate(t, g, s)
	first := readState(t, path)["svc"]["a:1"]["timestamp"]
	for range 59 {
		clock.advance(time.Second)
		mustUpdate(t, g, s)
		g.Tick(context.Background())
	}
	if ts := readState(t, path)["svc"]["a:1"]["timestamp"]; ts != first {
		t.Errorf("rewritten for timestamps alone within %s", statefile.Refresh)
	}
	clock.advance(time.Second)
	g.Tick(context.Background())
	if ts := readState(t, path)["svc"]["a:1"]["timestamp"]; ts == first {
		t.Errorf("not refreshed after %s", statefile.Refresh)
	}
}
