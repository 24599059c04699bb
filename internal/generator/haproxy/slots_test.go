package haproxy

import (
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/smartstack-go/smartstack/internal/generator/haproxy/plan"
	"github.com/smartstack-go/smartstack/internal/generator/haproxy/stanza"
	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
	"github.com/smartstack-go/smartstack/pkg/registration"
)

func slotSocketGenerator(t *testing.T, sock *fakeSocket) *Generator {
	t.Helper()
	g := socketGenerator(t, sock)
	g.cfg.ServerSlots = 3
	return g
}

func TestSlotsRender(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP"))
	g := slotSocketGenerator(t, sock)
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", live("a", "10.0.0.1", 80)))
	want := "backend svc\n" +
		"\tserver slot1 10.0.0.1:80 id 1 cookie slot1 check\n" +
		"\tserver slot2 127.0.0.1:1 id 2 cookie slot2 check disabled\n" +
		"\tserver slot3 127.0.0.1:1 id 3 cookie slot3 check disabled\n"
	if !strings.HasSuffix(g.lastText(), want) {
		t.Errorf("config:\n%s\nwant it to end with:\n%s", g.lastText(), want)
	}
}

func TestSlotsFillAndEmpty(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,slot1,UP", "svc,slot2,MAINT", "svc,slot3,MAINT"))
	sock.refuse["set server svc/slot2 addr 10.0.0.2 port 81"] = "IP changed from '127.0.0.1' to '10.0.0.2', port changed from '1' to '81' by 'stats socket command'"
	g := slotSocketGenerator(t, sock)
	a, b := live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 81)
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", a))
	sock.commands()
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", a, b))
	want := []string{"set server svc/slot2 addr 10.0.0.2 port 81", "set server svc/slot2 state ready"}
	if got := sock.commands(); !slices.Equal(got, want) {
		t.Errorf("fill = %q\nwant %q", got, want)
	}
	if p := g.PendingReload(); p != nil {
		t.Errorf("reload pending after a fill: %q", p)
	}
	sock.setStat(statCSV("svc,BACKEND,UP", "svc,slot1,UP", "svc,slot2,UP", "svc,slot3,MAINT"))
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", b))
	if got := sock.commands(); !slices.Equal(got, []string{"disable server svc/slot1"}) {
		t.Errorf("removal = %q, want disable server svc/slot1", got)
	}
	if !strings.Contains(g.lastText(), "\tserver slot1 10.0.0.1:80 id 1 cookie slot1 check disabled\n") {
		t.Errorf("freed slot does not keep its address:\n%s", g.lastText())
	}
	if p := g.PendingReload(); p != nil {
		t.Errorf("reload pending after a removal: %q", p)
	}
}

// A backend replaced in one update (a's slot freed as c fills another)
// is filled before it is freed: the backend never has no server in
// service between the commands.
func TestSlotsSwapMakesBeforeBreak(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,slot1,UP", "svc,slot2,MAINT", "svc,slot3,MAINT"))
	sock.refuse["set server svc/slot2 addr 10.0.0.3 port 83"] = "IP changed from '127.0.0.1' to '10.0.0.3', port changed from '1' to '83' by 'stats socket command'"
	g := slotSocketGenerator(t, sock)
	a, c := live("a", "10.0.0.1", 80), live("c", "10.0.0.3", 83)
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", a))
	sock.commands()
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", c))
	want := []string{"set server svc/slot2 addr 10.0.0.3 port 83", "set server svc/slot2 state ready", "disable server svc/slot1"}
	if got := sock.commands(); !slices.Equal(got, want) {
		t.Errorf("swap = %q\nwant %q", got, want)
	}
}

func TestSlotsExhaustionReloads(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,slot1,UP", "svc,slot2,MAINT", "svc,slot3,MAINT"))
	g := slotSocketGenerator(t, sock)
	mustUpdate(t, g, svc(g, t, "svc", "", live("a", "10.0.0.1", 80)))
	sock.commands()
	mustUpdate(t, g, svc(g, t, "svc", "", live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 80),
		live("c", "10.0.0.3", 80), live("d", "10.0.0.4", 80)))
	if p := strings.Join(g.PendingReload(), ";"); !strings.Contains(p, "new_server") {
		t.Errorf("pending = %q, want new_server", p)
	}
	if n := strings.Count(g.lastText(), "\tserver slot"); n != 7 {
		t.Errorf("%d slots after growth, want 4 + 3", n)
	}
}

// A restart reads the pools from the live config: servers keep their
// slots, and a new one is filled before it is enabled.
func TestSlotsSurviveRestart(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,slot1,UP", "svc,slot2,UP", "svc,slot3,MAINT"))
	sock.refuse["set server svc/slot3 addr 10.0.0.3 port 80"] = "IP changed from '127.0.0.1' to '10.0.0.3'"
	g := slotSocketGenerator(t, sock)
	g.cfg.DoWrites, g.cfg.ConfigFilePath = true, t.TempDir()+"/haproxy.cfg"
	a, b, c := live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 80), live("c", "10.0.0.3", 80)
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", a, b))
	sock.commands()
	restarted := newTestGenerator(t, g.cfg, newFakeClock())
	mustUpdate(t, restarted, svc(restarted, t, "svc", "server_options: check", c, b))
	want := []string{ // make before break: c's slot in service before a's is freed
		"set server svc/slot3 addr 10.0.0.3 port 80",
		"set server svc/slot3 state ready",
		"disable server svc/slot1",
	}
	if got := sock.commands(); !slices.Equal(got, want) {
		t.Errorf("commands after restart = %q\nwant %q", got, want)
	}
	if !strings.Contains(restarted.lastText(), "\tserver slot2 10.0.0.2:80 id 2 cookie slot2 check\n") {
		t.Errorf("server b left its slot:\n%s", restarted.lastText())
	}
}

// With nerve weights, a freed slot keeps its weight (HAProxy keeps it), a
// refill sets the new one, and neither reloads.
func TestSlotsWeights(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,slot1,UP", "svc,slot2,MAINT", "svc,slot3,MAINT"))
	sock.refuse["set server svc/slot2 addr 10.0.0.2 port 80"] = "IP changed from '127.0.0.1' to '10.0.0.2'"
	g := slotSocketGenerator(t, sock)
	g.cfg.UseNerveWeights = true
	a, b := live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 80)
	a.Weight, b.Weight = registration.IntValue(7), registration.IntValue(9)
	mustUpdate(t, g, svc(g, t, "svc", "", a))
	mustUpdate(t, g, svc(g, t, "svc", ""))
	if !strings.Contains(g.lastText(), "\tserver slot1 10.0.0.1:80 id 1 cookie slot1 weight 7 disabled\n") {
		t.Errorf("freed slot lost its weight:\n%s", g.lastText())
	}
	sock.commands()
	sock.setStat(statCSV("svc,BACKEND,UP", "svc,slot1,MAINT", "svc,slot2,MAINT", "svc,slot3,MAINT"))
	mustUpdate(t, g, svc(g, t, "svc", "", b))
	want := []string{
		"set server svc/slot2 addr 10.0.0.2 port 80",
		"set server svc/slot2 weight 9",
		"set server svc/slot2 state ready",
	}
	if got := sock.commands(); !slices.Equal(got, want) {
		t.Errorf("refill = %q\nwant %q", got, want)
	}
	if p := g.PendingReload(); p != nil {
		t.Errorf("reload pending: %q", p)
	}
}

// A refused address keeps the slot out of traffic (no "state ready" at
// its old address) and makes a reload pending.
func TestSlotsRefusedAddrKeepsSlotOut(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,slot1,UP", "svc,slot2,MAINT", "svc,slot3,MAINT"))
	sock.refuse["set server svc/slot2 addr 10.0.0.2 port 80"] = "Invalid addr."
	g := slotSocketGenerator(t, sock)
	a, b := live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 80)
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", a))
	sock.commands()
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", a, b))
	if got := sock.commands(); !slices.Equal(got, []string{"set server svc/slot2 addr 10.0.0.2 port 80"}) {
		t.Errorf("commands = %q, want the address only", got)
	}
	if p := strings.Join(g.PendingReload(), ";"); !strings.Contains(p, "socket_error") {
		t.Errorf("pending = %q, want socket_error", p)
	}
}

// A host name cannot be set with "set server addr": its slot waits for
// the reload.
func TestSlotsHostNameReloads(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,slot1,UP", "svc,slot2,MAINT", "svc,slot3,MAINT"))
	g := slotSocketGenerator(t, sock)
	a := live("a", "10.0.0.1", 80)
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", a))
	sock.commands()
	mustUpdate(t, g, svc(g, t, "svc", "server_options: check", a, live("b", "db.example", 80)))
	if got := sock.commands(); len(got) != 0 {
		t.Errorf("commands = %q, want none", got)
	}
	if p := strings.Join(g.PendingReload(), ";"); !strings.Contains(p, "new_server") {
		t.Errorf("pending = %q, want new_server", p)
	}
}

// The pool gauges follow each generation: auto pools start with 8 spare
// slots for one live server, and a backend that stops being a pool stops
// reporting one.
func TestSlotPoolMetrics(t *testing.T) {
	sock := dynamicSocket(t, statCSV("svc,BACKEND,UP", "svc,slot1,UP"))
	g := socketGenerator(t, sock)
	g.cfg.ServerSlots = SlotsAuto
	steps := []struct {
		name       string
		section    string
		backends   []registration.Backend
		size, free float64
		series     int
	}{
		{"one live", "{}", []registration.Backend{live("a", "10.0.0.1", 80)}, 9, 8, 1},
		{"two live", "{}", []registration.Backend{live("a", "10.0.0.1", 80), live("b", "10.0.0.2", 80)}, 9, 7, 1},
		{"dynamic", "backend: [mode tcp]", []registration.Backend{live("a", "10.0.0.1", 80)}, 0, 0, 0},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			mustUpdate(t, g, svc(g, t, "svc", s.section, s.backends...))
			if n := seriesCount(g.m.slotPoolSize); n != s.series {
				t.Fatalf("%d pool size series, want %d", n, s.series)
			}
			if s.series == 0 {
				return
			}
			size, free := gaugeValue(t, g.m.slotPoolSize.WithLabelValues("svc")), gaugeValue(t, g.m.slotPoolFree.WithLabelValues("svc"))
			if size != s.size || free != s.free {
				t.Errorf("pool size %v free %v, want %v and %v", size, free, s.size, s.free)
			}
		})
	}
}

func seriesCount(c prometheus.Collector) int {
	ch := make(chan prometheus.Metric, 16)
	c.Collect(ch)
	close(ch)
	return len(ch)
}

func gaugeValue(t *testing.T, g prometheus.Gauge) float64 {
	t.Helper()
	var m dto.Metric
	if err := g.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetGauge().GetValue()
}

// A live slot HAProxy runs at another address, port or weight than its
// config line is set back; a slot being refilled, a free one, or one at a
// host name is left alone.
func TestSlotCorrections(t *testing.T) {
	rb := stanza.Parse("backend svc\n\tserver slot1 10.0.0.1:80 weight 3\n\tserver slot2 10.0.0.2:80\n" +
		"\tserver slot3 10.0.0.3:80\n\tserver slot4 db.example:80\n\tserver slot5 10.0.0.5:80 disabled\n")["svc"]
	st := func(name, addr string, port, w int) hapi.ServerState {
		return hapi.ServerState{Backend: "svc", Name: name, Addr: addr, Port: port, UWeight: w}
	}
	d := &plan.Backend{Name: "svc", Mech: plan.Slots, Stanza: rb,
		Live: []string{"slot1", "slot2", "slot3", "slot4"}, Refill: map[string][]string{"slot3": {"x"}}}
	tests := []struct {
		name   string
		states []hapi.ServerState
		want   []string
	}{
		{"in line", []hapi.ServerState{st("slot1", "10.0.0.1", 80, 3), st("slot2", "10.0.0.2", 80, 1)}, nil},
		{"address", []hapi.ServerState{st("slot2", "10.9.9.9", 80, 1)}, []string{"set server svc/slot2 addr 10.0.0.2 port 80"}},
		{"port and weight", []hapi.ServerState{st("slot1", "10.0.0.1", 81, 1)},
			[]string{"set server svc/slot1 addr 10.0.0.1 port 80", "set server svc/slot1 weight 3"}},
		{"refilled, host name, free", []hapi.ServerState{st("slot3", "1.1.1.1", 1, 1), st("slot4", "1.1.1.1", 1, 1), st("slot5", "1.1.1.1", 1, 1)}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := plan.Corrections(d, tc.states); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
