package haproxy

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

const fakeInfo26 = "Name: HAProxy\nVersion: 2.6.12-1+deb12u3\nPid: 42"

// dynamicSocket is a fake HAProxy 2.6 whose add/del server succeed.
func dynamicSocket(t *testing.T, stat string) *fakeSocket {
	t.Helper()
	sock := newFakeSocket(t, stat)
	sock.refuse["show info"] = fakeInfo26
	return sock
}

func TestDynamicAddCommands(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,a_10.0.0.1:80,UP"))
	sock.refuse["add server svc/b_10.0.0.2:80 10.0.0.2:80 id 2 check inter 2000"] = "New server registered."
	g := socketGenerator(t, sock)
	section := "backend: [mode tcp]\nserver_options: check inter 2000"
	mustUpdate(t, g, svc(g, t, "svc", section, live("a", "10.0.0.1", 80)))
	sock.commands()
	mustUpdate(t, g, svc(g, t, "svc", section, live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 80)))
	want := []string{
		"add server svc/b_10.0.0.2:80 10.0.0.2:80 id 2 check inter 2000",
		"enable health svc/b_10.0.0.2:80",
		"enable server svc/b_10.0.0.2:80",
	}
	if got := sock.commands(); !slices.Equal(got, want) {
		t.Errorf("commands = %q\nwant %q", got, want)
	}
	if p := g.PendingReload(); p != nil {
		t.Errorf("reload pending: %q", p)
	}
}

func TestDynamicRefusedBackendsReload(t *testing.T) {
	for name, section := range map[string]string{
		"cookie":         "backend: [mode http]",
		"static-rr":      "backend: [mode tcp, balance static-rr]",
		"map hash":       "backend: [mode tcp, balance source]",
		"default-server": "backend: [mode tcp, default-server inter 3s]",
	} {
		t.Run(name, func(t *testing.T) {
			sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,a_10.0.0.1:80,UP"))
			g := socketGenerator(t, sock)
			mustUpdate(t, g, svc(g, t, "svc", section, live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 80)))
			if got := sock.commands(); len(got) != 0 {
				t.Errorf("commands = %q, want none", got)
			}
			if p := strings.Join(g.PendingReload(), ";"); !strings.Contains(p, "new_server") {
				t.Errorf("pending = %q, want new_server", p)
			}
		})
	}
}

func TestDynamicConsistentHashIsDynamic(t *testing.T) {
	lines := []string{"mode tcp", "balance source", "hash-type consistent"}
	if r := plan.StaticBalance(lines); r != "" {
		t.Errorf("staticBalance = %q, want dynamic", r)
	}
}

func TestDynamicOldHAProxyReloads(t *testing.T) {
	sock := newFakeSocket(t, statCSV("svc,BACKEND,UP", "svc,a_10.0.0.1:80,UP"))
	sock.refuse["show info"] = "Name: HAProxy\nVersion: 2.2.9\nPid: 42"
	g := socketGenerator(t, sock)
	mustUpdate(t, g, svc(g, t, "svc", "backend: [mode tcp]", live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 80)))
	if got := sock.commands(); len(got) != 0 {
		t.Errorf("commands = %q, want none", got)
	}
	if g.PendingReload() == nil {
		t.Error("no reload pending")
	}
}

func TestDynamicRemovalDrains(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,a_10.0.0.1:80,UP", "svc,b_10.0.0.2:80,UP"))
	sock.refuse["del server svc/b_10.0.0.2:80"] = "Server still has connections attached to it, cannot remove it."
	clock := newFakeClock()
	cfg := baseConfig()
	cfg.DoSocket, cfg.SocketFilePath = true, StringList{sock.path}
	g := newTestGenerator(t, cfg, clock)
	g.reloads = reloads{}
	mustUpdate(t, g, svc(g, t, "svc", "backend: [mode tcp]", live("a", "10.0.0.1", 80)))
	want := []string{"disable agent svc/b_10.0.0.2:80", "set server svc/b_10.0.0.2:80 state maint", "del server svc/b_10.0.0.2:80"}
	if got := sock.commands(); !slices.Equal(got, want) {
		t.Errorf("removal = %q\nwant %q", got, want)
	}
	clock.advance(DefaultDrainTimeout)
	mustTick(t, g)
	want = []string{"shutdown sessions server svc/b_10.0.0.2:80", "del server svc/b_10.0.0.2:80"}
	if got := sock.commands(); !slices.Equal(got, want) {
		t.Errorf("after the timeout = %q\nwant %q", got, want)
	}
	sock.refuse["del server svc/b_10.0.0.2:80"] = "Server deleted."
	// As HAProxy's once the deletion goes through: the tick reads it after.
	sock.setStat(statCSV("svc,BACKEND,UP", "svc,a_10.0.0.1:80,UP"))
	mustTick(t, g)
	mustTick(t, g)
	if got := sock.commands(); !slices.Equal(got, []string{"del server svc/b_10.0.0.2:80"}) {
		t.Errorf("retries = %q, want one del server", got)
	}
	if p := g.PendingReload(); p != nil {
		t.Errorf("reload pending: %q", p)
	}
}

// A removal skips "disable agent" when the previous generation wrote the
// server without agent-check: one command, no batch, on the common path.
func TestDynamicRemovalAgentFromPreviousGeneration(t *testing.T) {
	for _, tc := range []struct {
		name, section string
		want          []string
	}{
		{"no agent", "backend: [mode tcp]", []string{"set server svc/c_10.0.0.3:80 state maint", "del server svc/c_10.0.0.3:80"}},
		{"agent", "backend: [mode tcp]\nserver_options: agent-check agent-port 9",
			[]string{"disable agent svc/c_10.0.0.3:80", "set server svc/c_10.0.0.3:80 state maint", "del server svc/c_10.0.0.3:80"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,a_10.0.0.1:80,UP", "svc,c_10.0.0.3:80,UP"))
			sock.refuse["del server svc/c_10.0.0.3:80"] = "Server deleted."
			cfg := baseConfig()
			cfg.DoSocket, cfg.SocketFilePath = true, StringList{sock.path}
			g := newTestGenerator(t, cfg, newFakeClock())
			a, c := live("a", "10.0.0.1", 80), live("c", "10.0.0.3", 80)
			mustUpdate(t, g, svc(g, t, "svc", tc.section, a, c))
			sock.commands()
			mustUpdate(t, g, svc(g, t, "svc", tc.section, a))
			if got := sock.commands(); !slices.Equal(got, tc.want) {
				t.Errorf("removal = %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestDynamicWeightChange(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,a_10.0.0.1:80,UP"))
	g := socketGenerator(t, sock)
	g.cfg.UseNerveWeights = true
	// The state file's copy makes the weight change a reload reason too.
	g.cfg.StateFilePath = t.TempDir() + "/state.json"
	g.loadState()
	a := live("a", "10.0.0.1", 80)
	a.Weight = registration.IntValue(10)
	mustUpdate(t, g, svc(g, t, "svc", "backend: [mode tcp]", a))
	sock.commands()
	a.Weight = registration.IntValue(30)
	mustUpdate(t, g, svc(g, t, "svc", "backend: [mode tcp]", a))
	if got := sock.commands(); !slices.Equal(got, []string{"set server svc/a_10.0.0.1:80 weight 30"}) {
		t.Errorf("commands = %q", got)
	}
	if p := g.PendingReload(); p != nil {
		t.Errorf("reload pending: %q", p)
	}
}

func mustTick(t *testing.T, g *Generator) {
	t.Helper()
	if err := g.Tick(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestDynamicExperimentalModeOn24(t *testing.T) {
	sock := newFakeSocket(t, statCSV("svc,BACKEND,UP", "svc,a_10.0.0.1:80,UP"))
	sock.refuse["show info"] = "Name: HAProxy\nVersion: 2.4.22\nPid: 42"
	sock.refuse["add server svc/b_10.0.0.2:80 10.0.0.2:80 id 2"] = "New server registered."
	g := socketGenerator(t, sock)
	mustUpdate(t, g, svc(g, t, "svc", "backend: [mode tcp]", live("a", "10.0.0.1", 80)))
	sock.commands()
	mustUpdate(t, g, svc(g, t, "svc", "backend: [mode tcp]", live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 80)))
	want := []string{"experimental-mode on", "add server svc/b_10.0.0.2:80 10.0.0.2:80 id 2", "enable server svc/b_10.0.0.2:80"}
	if got := sock.commands(); !slices.Equal(got, want) {
		t.Errorf("commands = %q\nwant %q", got, want)
	}
	if p := g.PendingReload(); p != nil {
		t.Errorf("reload pending: %q", p)
	}
}

// A server the state file keeps is disabled, not deleted: haproxy.cfg
// still carries it.
func TestDynamicCachedServerDisabled(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,a_10.0.0.1:80,UP", "svc,b_10.0.0.2:80,UP"))
	g := socketGenerator(t, sock)
	g.cfg.StateFilePath = t.TempDir() + "/state.json"
	g.loadState()
	both := []registration.Backend{live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 80)}
	mustUpdate(t, g, svc(g, t, "svc", "backend: [mode tcp]", both...))
	sock.commands()
	mustUpdate(t, g, svc(g, t, "svc", "backend: [mode tcp]", both[0]))
	if got := sock.commands(); !slices.Equal(got, []string{"disable server svc/b_10.0.0.2:80"}) {
		t.Errorf("commands = %q, want only disable server", got)
	}
}

// After a failed render the next update plans every backend against a
// fresh "show stat": the memo kept the services rendered before the
// failure, whose change the failed update did not apply.
func TestDynamicPlansAllAfterFailedRender(t *testing.T) {
	sock := dynamicSocket(t, statCSV("a,BACKEND,UP", "a,a1_10.0.0.1:80,UP", "b,BACKEND,UP", "b,b1_10.0.0.2:80,UP"))
	g := socketGenerator(t, sock)
	g.cfg.UseNerveWeights = true
	weighted := func(w int64) generator.Service {
		b := live("a1", "10.0.0.1", 80)
		b.Weight = registration.IntValue(w)
		return svc(g, t, "a", "backend: [mode tcp]", b)
	}
	good := svc(g, t, "b", "backend: [mode tcp]", live("b1", "10.0.0.2", 80))
	mustUpdate(t, g, weighted(1), good)
	a5 := weighted(5)
	bad := svc(g, t, "b", "backend: [mode tcp]\nserver_options: check port %{prot}", live("b1", "10.0.0.2", 80))
	if err := g.Update(context.Background(), []generator.Service{a5, bad}); err == nil {
		t.Fatal("update with a broken server_options succeeded")
	}
	sock.commands()
	// b gains a server, so the plan is not empty without a's change.
	mustUpdate(t, g, a5, svc(g, t, "b", "backend: [mode tcp]", live("b1", "10.0.0.2", 80), live("b2", "10.0.0.4", 80)))
	if got := sock.commands(); !slices.Contains(got, "set server a/a1_10.0.0.1:80 weight 5") {
		t.Errorf("commands = %q, want a1's weight set", got)
	}
}

// With a current record, an update plans only the services whose stanzas
// changed: a server of another service that the record shows in
// maintenance (it was disabled by hand, say, after the record was read) is
// left to the next full read, as before.
func TestDynamicPlansOnlyChangedServices(t *testing.T) {
	sock := dynamicSocket(t, statCSV("a,BACKEND,UP", "a,a1_10.0.0.1:80,UP", "b,BACKEND,UP", "b,b1_10.0.0.2:80,MAINT"))
	g := socketGenerator(t, sock)
	a1 := svc(g, t, "a", "backend: [mode tcp]", live("a1", "10.0.0.1", 80))
	b := svc(g, t, "b", "backend: [mode tcp]", live("b1", "10.0.0.2", 80))
	mustUpdate(t, g, a1, b)
	if got := sock.commands(); !slices.Equal(got, []string{"enable server b/b1_10.0.0.2:80"}) {
		t.Fatalf("first update = %q, want b1 enabled", got)
	}
	// As if read after an outside "disable server".
	g.stats[sock.path].rec.Patch(map[plan.Ref]string{{Backend: "b", Server: "b1_10.0.0.2:80"}: plan.StatMaint}, nil, nil)
	mustUpdate(t, g, svc(g, t, "a", "backend: [mode tcp]", live("a1", "10.0.0.1", 80), live("a2", "10.0.0.3", 80)), b)
	for _, c := range sock.commands() {
		if strings.Contains(c, "b/b1") {
			t.Errorf("unchanged service b got %q", c)
		}
	}
}

// The logged choices follow the services: one that is gone is forgotten,
// so churn of service names does not grow the map.
func TestMechanismChoiceForgottenWithItsBackend(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,a_10.0.0.1:80,UP"))
	g := socketGenerator(t, sock)
	section := "backend: [mode tcp]"
	mustUpdate(t, g, svc(g, t, "svc", section, live("a", "10.0.0.1", 80)), svc(g, t, "other", section, live("b", "10.0.0.2", 80)))
	if _, ok := g.mechs["other"]; !ok {
		t.Fatalf("mechs = %v, want an entry for other", g.mechs)
	}
	mustUpdate(t, g, svc(g, t, "svc", section, live("a", "10.0.0.1", 80)))
	if _, ok := g.mechs["other"]; ok || len(g.mechs) != 1 {
		t.Errorf("mechs = %v, want only svc", g.mechs)
	}
}
